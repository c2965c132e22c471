//! Tests of the batch.

#![allow(clippy::unwrap_used)]
use super::rows::{BadRow, read_rows};
use crate::onboarding::Row;

/// Writes `text` as a batch file in a new directory and reads it.
fn read(text: &[u8]) -> (tempfile::TempDir, Vec<Result<Row, BadRow>>) {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("c.csv");
    std::fs::write(&csv, text).unwrap();
    let rows = read_rows(&csv).unwrap();
    (dir, rows)
}

#[test]
fn quoted_fields_commas_newlines_and_a_bom() {
    let (dir, rows) = read(
        "\u{feff}external_id , chain,key_file,currency\r\n\
         \"a, \"\"quoted\"\"\nid\", evm,\"k,1.key\" ,EUR\r\n\
         \n\
         b,solana,b.json,EUR\n"
            .as_bytes(),
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    let a = rows[0].as_ref().unwrap();
    assert_eq!(a.line, 2);
    assert_eq!(a.external_id, "a, \"quoted\"\nid");
    assert_eq!(a.key_file, dir.path().join("k,1.key"));
    // The record above spans lines 2 and 3; a blank line 4 is no record.
    let b = rows[1].as_ref().unwrap();
    assert_eq!((b.line, b.external_id.as_str()), (5, "b"));
}

#[test]
fn bad_records_keep_their_lines() {
    let (_dir, rows) = read(
        b"external_id,chain,key_file,currency\n\
          a,evm\n\
          \n\
          b,solana,b.json,EUR\r\n\
          \xff,evm,c.key,EUR\n\
          b,evm,c.key,EUR\n\
          \"c,evm,c.key,EUR\nd,evm,d.key,EUR\n",
    );
    let lines: Vec<usize> = rows
        .iter()
        .map(|r| r.as_ref().map_or_else(|b| b.line, |r| r.line))
        .collect();
    assert_eq!(lines, [2, 4, 5, 6, 7]);
    assert!(rows[0].as_ref().err().unwrap().reason.contains("found 2"));
    assert!(rows[1].is_ok());
    assert!(rows[2].as_ref().err().unwrap().reason.contains("UTF-8"));
    let duplicate = rows[3].as_ref().err().unwrap();
    assert!(duplicate.reason.contains("line 4"), "{}", duplicate.reason);
    // An unterminated quote runs to the end of the file, and says so.
    let unterminated = rows[4].as_ref().err().unwrap();
    assert!(
        unterminated.reason.contains("unterminated quote"),
        "{}",
        unterminated.reason
    );
}

#[test]
fn a_missing_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("c.csv");
    std::fs::write(&csv, "external_id,chain,key_file\na,evm,a.key\n").unwrap();
    let error = read_rows(&csv).unwrap_err();
    assert!(error.to_string().contains("currency"), "{error}");
}
