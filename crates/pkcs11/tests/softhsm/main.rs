//! Every PKCS#11 signer against a real token: SoftHSM2 in a token directory of the tests' own.
//!
//! SoftHSM reads its configuration (`SOFTHSM2_CONF`) when the module is initialized, once per
//! process. So this harness first makes a temporary token directory with one token per test
//! group, then runs itself again with `SOFTHSM2_CONF` pointing there (setting the variable in a
//! running test process would race with the test threads), and the second run executes the
//! tests with libtest's interface (`cargo test -p chainsig-pkcs11 --test softhsm -- onboarding`).
//!
//! Without SoftHSM the tests fail under CI (`CI` set) and are skipped with a notice elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)] // tests: a panic is a failure report

mod errors;
mod evm;
mod fixture;
mod onboarding;
mod solana;
mod tron;

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::var_os(fixture::FIXTURE_ENV).is_none() {
        return fixture::prepare_and_rerun();
    }
    let mut args = libtest_mimic::Arguments::from_args();
    // One test at a time unless told otherwise: SoftHSM 2.6 fails concurrent object creation
    // in a token now and then (CKR_GENERAL_ERROR on C_GenerateKeyPair / C_CreateObject, seen in
    // CI), and several tests import keys through raw sessions. Each test's own concurrency (100
    // signatures at once, 32 onboardings) is unchanged.
    if args.test_threads.is_none() {
        args.test_threads = Some(1);
    }
    let mut trials = Vec::new();
    trials.extend(evm::trials());
    trials.extend(tron::trials());
    trials.extend(solana::trials());
    trials.extend(onboarding::trials());
    trials.extend(errors::trials());
    libtest_mimic::run(&args, trials).exit_code()
}
