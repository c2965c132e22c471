//! Tests of `journal`.

#![allow(clippy::unwrap_used)]
use super::*;

fn entry(external_id: &str, stage: Stage) -> Entry {
    Entry {
        wallet: Some("eip155:1:0x0000000000000000000000000000000000000001".to_owned()),
        currency: Some("EUR".to_owned()),
        ..Entry::new(external_id, "evm", 2, Uuid::new_v4(), stage)
    }
}

/// A temp dir with a CSV in it; the journal's path beside it.
fn batch() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("batch.csv");
    std::fs::write(&csv, "external_id,chain,key_file,currency\n").unwrap();
    let path = dir.path().join("batch.journal");
    (dir, csv, path)
}

fn header_of(csv: &Path) -> String {
    serde_json::to_string(&Header {
        journal: FORMAT,
        csv: std::fs::canonicalize(csv).unwrap(),
    })
    .unwrap()
}

#[test]
fn an_entry_after_a_torn_line_is_read_back() {
    let (_dir, csv, path) = batch();
    // A run that died in the middle of its second entry.
    let first = serde_json::to_string(&entry("a", Stage::Started)).unwrap();
    std::fs::write(
        &path,
        format!("{}\n{first}\n{{\"externalId\":\"b\",\"cha", header_of(&csv)),
    )
    .unwrap();

    let journal = Journal::open(&path, &csv).unwrap();
    assert_eq!(
        journal.row("a", "evm").map(|r| r.stage),
        Some(Stage::Started)
    );
    journal.record(&entry("b", Stage::Started)).unwrap();
    drop(journal);

    let reopened = Journal::open(&path, &csv).unwrap();
    assert_eq!(
        reopened.row("a", "evm").map(|r| r.stage),
        Some(Stage::Started)
    );
    assert_eq!(
        reopened.row("b", "evm").map(|r| r.stage),
        Some(Stage::Started)
    );
}

#[test]
fn ids_learnt_earlier_are_carried_over() {
    let (_dir, csv, path) = batch();
    let journal = Journal::open(&path, &csv).unwrap();
    journal.record(&entry("a", Stage::Started)).unwrap();
    journal
        .record(&Entry {
            customer_id: Some("c-1".to_owned()),
            account_id: Some("a-1".to_owned()),
            ..entry("a", Stage::Account)
        })
        .unwrap();
    journal.record(&entry("a", Stage::Failed)).unwrap();
    drop(journal);
    let row = Journal::open(&path, &csv).unwrap().row("a", "evm").unwrap();
    assert_eq!(row.stage, Stage::Failed);
    assert_eq!(row.customer_id.as_deref(), Some("c-1"));
    assert_eq!(row.account_id.as_deref(), Some("a-1"));
}

#[test]
fn the_first_wallet_and_currency_stay_bound() {
    let (_dir, csv, path) = batch();
    let journal = Journal::open(&path, &csv).unwrap();
    let first = entry("a", Stage::Started);
    journal.record(&first).unwrap();
    journal
        .record(&Entry {
            wallet: Some("eip155:1:0x0000000000000000000000000000000000000002".to_owned()),
            currency: Some("USD".to_owned()),
            ..entry("a", Stage::Customer)
        })
        .unwrap();
    journal
        .record(&Entry {
            wallet: None,
            currency: None,
            ..entry("a", Stage::Account)
        })
        .unwrap();
    let row = journal.row("a", "evm").unwrap();
    assert_eq!(row.stage, Stage::Account);
    assert_eq!((row.wallet, row.currency), (first.wallet, first.currency));
    assert_eq!(row.seed, first.seed);
}

#[test]
fn a_new_journal_is_private_and_names_its_csv() {
    let (_dir, csv, path) = batch();
    drop(Journal::open(&path, &csv).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{}\n", header_of(&csv))
    );
}

#[test]
fn a_journal_of_another_csv_or_none_is_refused_untouched() {
    let (dir, csv, path) = batch();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "external_id,chain,key_file,currency\n").unwrap();
    let entry_line = serde_json::to_string(&entry("a", Stage::Done)).unwrap();
    for (contents, says) in [
        (
            format!("{}\n{entry_line}\n", header_of(&other)),
            "belongs to the batch",
        ),
        (format!("{entry_line}\n"), "older chainsig"),
        (
            "my notes\nmore notes\n".to_owned(),
            "not a chainsig batch journal",
        ),
        (
            "precious, no newline".to_owned(),
            "not a chainsig batch journal",
        ),
        (
            format!(
                "{}\n",
                header_of(&csv).replace("\"journal\":1", "\"journal\":2")
            ),
            "is in format 2",
        ),
    ] {
        std::fs::write(&path, &contents).unwrap();
        let error = Journal::open(&path, &csv).unwrap_err();
        assert!(error.to_string().contains(says), "{error}");
        assert!(matches!(error, CliError::Input { .. }));
        assert!(error.hint().unwrap().contains("start over"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), contents);
    }
}

#[test]
fn a_torn_header_is_written_again() {
    let (_dir, csv, path) = batch();
    let header = header_of(&csv);
    std::fs::write(&path, &header[..10]).unwrap();
    drop(Journal::open(&path, &csv).unwrap());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{header}\n")
    );
}

#[test]
fn a_second_open_while_the_first_holds_it_is_refused() {
    let (_dir, csv, path) = batch();
    let first = Journal::open(&path, &csv).unwrap();
    let error = Journal::open(&path, &csv).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("another run of this batch holds it"),
        "{error}"
    );
    drop(first);
    Journal::open(&path, &csv).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_refused_and_its_target_untouched() {
    let (dir, csv, path) = batch();
    let target = dir.path().join("target");
    std::fs::write(&target, "do not touch").unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    let error = Journal::open(&path, &csv).unwrap_err();
    assert!(
        error.to_string().contains("is a symbolic link: refused"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "do not touch");
    // A dangling link: nothing is created at its target either.
    std::fs::remove_file(&target).unwrap();
    assert!(Journal::open(&path, &csv).is_err());
    assert!(!target.exists());
}
