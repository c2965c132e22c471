//! `chainsig webhooks`: subscribe a URL to OffBlocks events (`register`) and receive them
//! (`listen`: one JSON line per new event, de-duplicated, sanitized).

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use chainsig_api::{IdempotencyKey, RegisterWebhook, WebhookReceiver, WebhookType};
use clap::Subcommand;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use crate::api_config::ApiArgs;
use crate::error::{CliError, printable};

#[derive(Debug, Subcommand)]
pub(crate) enum WebhooksCommand {
    /// Subscribe a callback URL to event types (PUT /webhooks); prints the subscription as JSON.
    #[command(
        after_help = "Examples:\n  chainsig webhooks register --url http://127.0.0.1:8412/ --types customer.updated,account.updated\n  chainsig webhooks register --id 3f0c… --url http://127.0.0.1:8413/ --types account.updated\n\nDocumented types: customer.updated, account.updated, card.updated, authorisation.updated,\ntransaction.updated. `chainsig sandbox` delivers the first two, to loopback URLs only."
    )]
    Register {
        /// Where the events are POSTed.
        #[arg(long, value_name = "URL")]
        url: String,
        /// Event types, comma-separated.
        #[arg(long, value_name = "TYPES", value_delimiter = ',', required = true)]
        types: Vec<String>,
        /// Update this subscription instead of creating one.
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
    /// Receive events: serves POST on --listen and prints each new event as one JSON line
    /// (redeliveries of an eventId are answered 200 and not printed again). Runs until Ctrl-C.
    #[command(
        after_help = "Examples:\n  chainsig webhooks listen --listen 127.0.0.1:8412\n  chainsig webhooks listen --listen 127.0.0.1:0 --count 5\n\nOn start it prints {\"listening\": \"http://ADDR/PATH\"} on stderr. Bodies that are no event\nget 400, bodies over 64 KiB 413. OffBlocks does not document webhook signing: nothing is\nverified, so listen on a private address."
    )]
    Listen {
        /// Address to listen on (port 0: a free one, named on stderr).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8412")]
        listen: SocketAddr,
        /// Path events are POSTed to.
        #[arg(long, value_name = "PATH", default_value = "/")]
        path: String,
        /// Exit after printing this many events.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
    },
}

pub(crate) fn run(
    command: WebhooksCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    match command {
        WebhooksCommand::Register { url, types, id } => {
            runtime.block_on(register(api, url, types, id, json_output))
        }
        WebhooksCommand::Listen {
            listen,
            path,
            count,
        } => runtime.block_on(listen_for(listen, path, count)),
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
