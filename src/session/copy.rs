//! `COPY … FROM STDIN` and `COPY … TO STDOUT` are refused before they are sent. They switch a
//! PostgreSQL connection into the COPY sub-protocol, which ODBC has no calls for: psqlODBC then
//! waits for data that never comes, spinning at 100% CPU, and the worker never returns. A server-side
//! `COPY … FROM '/file'` or `TO PROGRAM` is ordinary SQL and goes through.
//!
//! How robust the detection is: the SQL is tokenised as PostgreSQL does, so letter case, line
//! breaks, `--` and nested `/* */` comments, string literals (`'…'`, `E'…'` with backslash
//! escapes, `$tag$…$tag$`) and quoted identifiers are all understood: `"stdin"` (an identifier) or
//! `'STDIN'` (a string) never count, and every statement of a multi-statement string is checked.
//! A statement counts when its first word is `COPY` and a later word of it is `STDIN` or `STDOUT`.
//! The SQL is looked at as bytes (UTF-8 or a narrow encoding such as Latin-1): every word that
//! matters is ASCII. What is not seen: a COPY run indirectly (from a function, `EXECUTE` of a built string: those
//! are server-side and fail there), and anything sent through `pconn_raw_hdbc`.

use crate::error::{Error, Result};

/// Refuses `sql` when a statement of it copies from or to the client.
pub fn refuse_client_copy(sql: &[u8]) -> Result<()> {
    if copies_through_the_client(sql) {
        return Err(Error::InvalidArgument(
            "COPY … FROM STDIN / TO STDOUT cannot run through ODBC (the driver would wait forever for the \
             COPY data): use INSERT, or COPY from or to a file on the server"
                .into(),
        ));
    }
    Ok(())
}

/// A token of PostgreSQL SQL, as far as statement-level checks need (also `rollback_flag.rs`).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Word(&'a [u8]),
    Semicolon,
    Other,
}

fn copies_through_the_client(sql: &[u8]) -> bool {
    // Most SQL has no COPY at all: one pass over the bytes settles it before any tokenising.
    if !sql.windows(4).any(|w| w.eq_ignore_ascii_case(b"copy")) {
        return false;
    }
    let mut at_statement_start = true;
    let mut in_copy = false;
    for token in tokens(sql) {
        match token {
            Token::Semicolon => {
                at_statement_start = true;
                in_copy = false;
            }
            Token::Word(word) if at_statement_start => {
                in_copy = word.eq_ignore_ascii_case(b"copy");
                at_statement_start = false;
            }
            Token::Word(word) if in_copy && (word.eq_ignore_ascii_case(b"stdin") || word.eq_ignore_ascii_case(b"stdout")) => {
                return true;
            }
            _ => at_statement_start = false,
        }
    }
    false
}

pub(super) struct Tokens<'a> {
    sql: &'a [u8],
    at: usize,
}

/// The tokens of `sql`: comments, whitespace and the insides of literals and quoted identifiers
/// are skipped.
pub(super) fn tokens(sql: &[u8]) -> Tokens<'_> {
    Tokens { sql, at: 0 }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.sql;
        loop {
            let byte = *bytes.get(self.at)?;
            let rest = &bytes[self.at..];
            if byte.is_ascii_whitespace() {
                self.at += 1;
            } else if rest.starts_with(b"--") {
                self.at += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            } else if rest.starts_with(b"/*") {
                self.at += block_comment_len(rest);
            } else {
                break;
            }
        }
        let rest = &bytes[self.at..];
        let byte = rest[0];
        let (len, token) = if byte == b';' {
            (1, Token::Semicolon)
        } else if byte == b'\'' {
            (quoted_len(rest, b'\'', false), Token::Other)
        } else if (byte == b'e' || byte == b'E') && rest.get(1) == Some(&b'\'') {
            (1 + quoted_len(&rest[1..], b'\'', true), Token::Other)
        } else if byte == b'"' {
            (quoted_len(rest, b'"', false), Token::Other)
        } else if byte == b'$'
            && let Some(len) = dollar_quoted_len(rest)
        {
            (len, Token::Other)
        } else if byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80 {
            let len = rest.iter().position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80)).unwrap_or(rest.len());
            (len, Token::Word(&self.sql[self.at..self.at + len]))
        } else {
            (1, Token::Other)
        };
        self.at += len;
        Some(token)
    }
}

/// Length of a `/* … */` comment at the start of `rest`; they nest in PostgreSQL.
fn block_comment_len(rest: &[u8]) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < rest.len() {
        if rest[i..].starts_with(b"/*") {
            depth += 1;
            i += 2;
        } else if rest[i..].starts_with(b"*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// Length of a literal quoted by `quote` at the start of `rest` (a doubled quote is one quote; a
/// backslash escapes in `E'…'` strings).
fn quoted_len(rest: &[u8], quote: u8, backslash_escapes: bool) -> usize {
    let mut i = 1;
    while i < rest.len() {
        if backslash_escapes && rest[i] == b'\\' {
            i += 2;
        } else if rest[i] == quote {
            if rest.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// Length of a `$tag$ … $tag$` string at the start of `rest`, or `None` when the `$` starts no tag
/// (a parameter like `$1`).
fn dollar_quoted_len(rest: &[u8]) -> Option<usize> {
    let tag_len = 1 + rest[1..].iter().position(|&b| b == b'$')? + 1;
    let tag = &rest[..tag_len];
    if !tag[1..tag_len - 1].iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        || tag.get(1).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let body = &rest[tag_len..];
    let end = body.windows(tag_len).position(|w| w == tag).map_or(body.len(), |p| p + tag_len);
    Some(tag_len + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_copies_are_found_in_any_spelling() {
        for sql in [
            "COPY t FROM STDIN",
            "copy t (a, b) from stdin with (format csv)",
            "  Copy\n t\tFROM\nStdIn",
            "COPY (SELECT 1) TO STDOUT",
            "-- load\nCOPY t FROM STDIN",
            "/* a /* nested */ comment */ COPY t FROM STDIN",
            "SELECT 1; COPY t FROM STDIN;",
            "SELECT 'x;'; copy t to stdout",
            "COPY \"my table\" FROM STDIN",
        ] {
            assert!(copies_through_the_client(sql.as_bytes()), "{sql}");
        }
    }

    #[test]
    fn everything_else_goes_through() {
        for sql in [
            "SELECT 1",
            "COPY t FROM '/tmp/data.csv'",
            "COPY t TO PROGRAM 'gzip > /tmp/x.gz'",
            "COPY t FROM \"stdin\"",
            "SELECT 'COPY t FROM STDIN'",
            "SELECT E'it\\'s; COPY t FROM STDIN'",
            "SELECT $$ COPY t FROM STDIN $$",
            "SELECT $body$ ; COPY t FROM STDIN $body$",
            "-- COPY t FROM STDIN\nSELECT 1",
            "/* COPY t FROM STDIN */ SELECT 1",
            "SELECT stdin FROM copy",
            "INSERT INTO copy VALUES (1); SELECT * FROM stdin",
            "SELECT $1::text",
        ] {
            assert!(!copies_through_the_client(sql.as_bytes()), "{sql}");
        }
    }
}
