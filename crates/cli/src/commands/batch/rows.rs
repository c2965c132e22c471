//! The batch's CSV, read as RFC 4180 has it, into rows to onboard or bad rows with their line.

use std::collections::HashMap;
use std::path::Path;

use crate::chain::{ChainArgError, parse_chain};
use crate::error::CliError;
use crate::onboarding::Row;

/// The columns a batch file must have, in any order.
const COLUMNS: [&str; 4] = ["external_id", "chain", "key_file", "currency"];

/// A row that cannot be onboarded as written.
#[derive(Debug)]
pub(super) struct BadRow {
    pub(super) line: usize,
    pub(super) external_id: Option<String>,
    pub(super) reason: String,
}

/// One record of the CSV: the line it starts on (1-based) and its fields (surrounding spaces
/// trimmed), or why it is unusable.
type Record = (usize, Result<Vec<String>, String>);

/// Reads every record of the CSV with the csv crate, as RFC 4180 has it: a quoted field may hold
/// commas, doubled quotes and line breaks (so a record may span lines; an unterminated quote runs
/// to the end of the file). A UTF-8 BOM is skipped (by csv-core); blank lines are not records.
/// A record that is not UTF-8 is reported alone, with its line.
pub(super) fn records(bytes: &[u8]) -> Vec<Record> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    // csv's `Position::line` is where the reader stood, before the line breaks and blank lines
    // it skips ahead of a record (and it counts a CRLF's CR and LF apart): the line a record
    // starts on is counted here, from the record's byte offset past those breaks.
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Only an I/O error stops the csv reader; from a slice there is none.
                records.push((line, Err(format!("malformed CSV: {e}"))));
                break;
            }
        }
        let mut start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(counted_to)
            .clamp(counted_to, bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        if record.len() == 1 && record[0].is_empty() {
            continue; // a line of spaces
        }
        let fields = csv::StringRecord::from_byte_record(record.clone())
            .map(|r| r.iter().map(str::to_owned).collect())
            .map_err(|_| "malformed CSV: the record is not UTF-8".to_owned());
        records.push((line, fields));
    }
    records
}

/// Reads the CSV: `Err` for a file that cannot be used at all (unreadable, no header, a
/// missing column), otherwise one entry per data record, good or bad, with the line it starts on.
pub(super) fn read_rows(csv: &Path) -> Result<Vec<Result<Row, BadRow>>, CliError> {
    let bytes = std::fs::read(csv).map_err(|e| {
        CliError::with_hint(
            format!("cannot read the batch file {}: {e}", csv.display()),
            "give --batch the path of a CSV file with the columns external_id,chain,key_file,currency",
        )
    })?;
    let mut lines = records(&bytes).into_iter();

    let header_error = |what: String| {
        CliError::with_hint(
            format!("{}: {what}", csv.display()),
            format!(
                "the first line must be the header {}; each row is one customer",
                COLUMNS.join(",")
            ),
        )
    };
    let (_, header) = lines
        .next()
        .ok_or_else(|| header_error("the file is empty".to_owned()))?;
    let header = header.map_err(|e| header_error(format!("header: {e}")))?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "the header lacks the column(s) {} (found: {})",
            missing.join(","),
            header.join(",")
        )));
    }
    let position: Vec<usize> = COLUMNS
        .iter()
        .map(|c| header.iter().position(|h| h == c).unwrap_or_default())
        .collect();

    let base = csv.parent().unwrap_or(Path::new("."));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for (line, text) in lines {
        let bad = |external_id: Option<String>, reason: String| BadRow {
            line,
            external_id,
            reason,
        };
        let record = match text {
            Ok(record) if record.len() == header.len() => record,
            Ok(record) => {
                let spans = if record.iter().any(|f| f.contains('\n')) {
                    "; a quoted field of this record holds line breaks: check its quotes (an \
                     unterminated quote runs to the end of the file)"
                } else {
                    ""
                };
                rows.push(Err(bad(
                    None,
                    format!(
                        "malformed CSV: expected {} fields ({}), found {}{spans}",
                        header.len(),
                        header.join(","),
                        record.len()
                    ),
                )));
                continue;
            }
            Err(reason) => {
                rows.push(Err(bad(None, reason)));
                continue;
            }
        };
        let field = |i: usize| record[position[i]].clone();
        let external_id = field(0);
        let row = (|| {
            if external_id.is_empty() {
                return Err("external_id is empty".to_owned());
            }
            let chain_text = field(1);
            let chain = parse_chain(&chain_text).map_err(|e| match e {
                ChainArgError::Unsupported(_) => format!("chain `{chain_text}`: {e}"),
                ChainArgError::Invalid(_) => format!(
                    "unknown chain `{chain_text}`: use {} or a CAIP-2 id such as eip155:1",
                    crate::chain::registry().shorthands()
                ),
            })?;
            let key_file = field(2);
            if key_file.is_empty() {
                return Err("key_file is empty".to_owned());
            }
            let currency = field(3);
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "currency must be an ISO 4217 code in capitals such as EUR, not `{currency}`"
                ));
            }
            if let Some(first) = seen.get(&external_id) {
                return Err(format!(
                    "duplicate row: external_id `{external_id}` is already on line {first}"
                ));
            }
            Ok(Row {
                line,
                external_id: external_id.clone(),
                chain,
                // A `pkcs11:` URI names a key in a token, not a file next to the CSV.
                key_file: if crate::hsm::is_key_uri(&key_file) {
                    std::path::PathBuf::from(key_file)
                } else {
                    base.join(key_file)
                },
                currency,
            })
        })();
        match row {
            Ok(row) => {
                seen.insert(row.external_id.clone(), line);
                rows.push(Ok(row));
            }
            Err(reason) => rows.push(Err(bad(
                Some(external_id).filter(|id| !id.is_empty()),
                reason,
            ))),
        }
    }
    Ok(rows)
}
