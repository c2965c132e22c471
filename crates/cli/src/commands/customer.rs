//! `chainsig customer`: changes to a customer outside the onboarding flow (deactivation).

use std::process::ExitCode;

use chainsig_api::IdempotencyKey;
use clap::Subcommand;
use serde_json::json;

use crate::api_config::ApiArgs;
use crate::error::{CliError, printable};

#[derive(Debug, Subcommand)]
pub(crate) enum CustomerCommand {
    /// Deactivate an active customer (PATCH /customers/{id}/deactivate): active -> inactive.
    /// Prints the customer's id and new status.
    #[command(
        after_help = "Example:\n  chainsig customer deactivate 04c5851c-4386-5bd9-a4a7-3b6e1f0d2c11"
    )]
    Deactivate {
        /// The customer's id.
        #[arg(value_name = "ID")]
        id: String,
    },
}

pub(crate) fn run(
    command: CustomerCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        CustomerCommand::Deactivate { id } => {
            let customer = super::credentials::block_on(async {
                let client = api.client().await?;
                Ok(client
                    .deactivate_customer(&id, IdempotencyKey::new())
                    .await?)
            })?;
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
