//! `chainsig onboard`: one customer from flags, or a batch from a CSV file.

use std::path::PathBuf;
use std::process::ExitCode;

use uuid::Uuid;

use crate::cli::{ApiArgs, OnboardArgs};
use crate::error::CliError;
use crate::keys::load_signer_file;
use crate::onboarding::{Row, flow_options, onboard_row};

pub(crate) async fn run(
    args: OnboardArgs,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    if let Some(csv) = &args.batch {
        return super::batch::run(csv, &args, api, json_output).await;
    }
    // A key URI travels as the row's key "file", as in a batch's key_file column.
    let key_file = args
        .key_file
        .clone()
        .or_else(|| args.key_uri.clone().map(PathBuf::from));
    let (Some(chain), Some(key_file), Some(external_id)) =
        (&args.chain, &key_file, &args.external_id)
    else {
        return Err(CliError::input(
            "give --chain, --key-file and --external-id, or --batch FILE.csv",
        ));
    };
    let row = Row {
        line: 0,
        external_id: external_id.clone(),
        chain: chain.clone(),
        key_file: key_file.clone(),
        currency: args.currency.clone(),
    };
    let signer = load_signer_file(&row.chain, &row.key_file)?;
    let guard = args.policy.load()?;
    {
        let client = api.client().await?;
        let options = flow_options(&args, Uuid::new_v4(), &guard);
        let account = onboard_row(
            &client,
            signer.as_ref(),
            &row,
            args.simulate_kyc,
            &options,
            None,
        )
        .await?;
        if json_output {
            println!("{}", serde_json::to_string(&account).unwrap_or_default());
        } else {
            // The server's words: sanitized before they reach the terminal.
            let p = |text: &str| crate::error::printable(text).into_owned();
            println!("customer {} onboarded", p(&row.external_id));
            println!("customer   {}", p(&account.customer_id));
            println!("account    {}", p(&account.id));
            println!("status     {}", p(account.status.as_str()));
            println!("currencies {}", p(&account.currencies.join(",")));
            println!(
                "chainId    {}",
                p(account.chain_id.as_deref().unwrap_or("-"))
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
