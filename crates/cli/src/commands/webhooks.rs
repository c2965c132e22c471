//! `chainsig webhooks`: subscribe a URL to OffBlocks events (`register`) and receive them
//! (`listen`: one JSON line per new event, de-duplicated, sanitized).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use chainsig_api::{IdempotencyKey, RegisterWebhook, WebhookReceiver, WebhookType};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::cli::{ApiArgs, WebhooksCommand};
use crate::error::{CliError, printable};

pub(crate) async fn run(
    command: WebhooksCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        WebhooksCommand::Register { url, types, id } => {
            register(api, url, types, id, json_output).await
        }
        WebhooksCommand::Listen {
            listen,
            path,
            count,
        } => listen_for(listen, path, count).await,
    }
}

async fn register(
    api: &ApiArgs,
    url: String,
    types: Vec<String>,
    id: Option<String>,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    let types: Vec<WebhookType> = types
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .map(WebhookType::from)
        .collect();
    if types.is_empty() {
        return Err(CliError::input(
            "--types names no event type: give e.g. customer.updated,account.updated",
        ));
    }
    let mut request = RegisterWebhook::new(url, types);
    request.id = id;
    let client = api.client().await?;
    let subscription = client
        .register_webhook(&request, IdempotencyKey::new())
        .await?;
    // The server's answer, printed: sanitized like any server text.
    let value = serde_json::to_value(&subscription)
        .map_err(|e| CliError::input(format!("cannot print the subscription: {e}")))?;
    if json_output {
        println!("{}", printable(&value.to_string()));
    } else {
        println!(
            "webhook {} → {} ({})",
            printable(&subscription.id),
            printable(&subscription.callback_url),
            printable(
                &subscription
                    .types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn listen_for(
    listen: SocketAddr,
    path: String,
    count: Option<u64>,
) -> Result<ExitCode, CliError> {
    if !path.starts_with('/') {
        return Err(CliError::input(format!(
            "--path {} must start with /",
            printable(&path)
        )));
    }
    let receiver = WebhookReceiver::new();
    let mut events = receiver.subscribe();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::input(format!("cannot listen on {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::input(format!("cannot listen on {listen}: {e}")))?;
    let router = receiver.axum_router(&path);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    eprintln!(
        "{}",
        json!({ "listening": format!("http://{local}{path}") })
    );

    let mut printed = 0u64;
    let mut stdout = std::io::stdout();
    while count.is_none_or(|n| printed < n) {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    // `to_json_line` is sanitized; a closed stdout ends the command.
                    if writeln!(stdout, "{}", event.to_json_line()).and_then(|()| stdout.flush()).is_err() {
                        break;
                    }
                    printed += 1;
                }
                Err(RecvError::Lagged(missed)) => {
                    eprintln!("{}", json!({ "warning": format!("{missed} event(s) not printed: the output was too slow") }));
                }
                Err(RecvError::Closed) => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    server.abort();
    Ok(ExitCode::SUCCESS)
}
