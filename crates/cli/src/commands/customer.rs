//! `chainsig customer`: changes to a customer outside the onboarding flow (deactivation).

use std::process::ExitCode;

use chainsig_api::IdempotencyKey;
use serde_json::json;

use crate::cli::{ApiArgs, CustomerCommand};
use crate::error::{CliError, printable};

pub(crate) async fn run(
    command: CustomerCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        CustomerCommand::Deactivate { id } => {
            let client = api.client().await?;
            let customer = client
                .deactivate_customer(&id, IdempotencyKey::new())
                .await?;
            // The server's words, printed: sanitized like any server text.
            let id = printable(&customer.id).into_owned();
            let status = printable(customer.status.as_str()).into_owned();
            if json_output {
                println!("{}", json!({ "id": id, "status": status }));
            } else {
                println!("customer {id} is {status}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
