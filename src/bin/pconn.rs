//! The `pconn` command: `pconn doctor CONN --user U [--password-file F] [--workers N]
//! [--identities K] [--json]`. The work is in `pconn::doctor`; this reads arguments and prints.

use std::process::ExitCode;

const USAGE: &str = "usage: pconn doctor CONNECTION-STRING [--user USER] [--password-file FILE] [--workers N] [--identities K] [--json]

  Measures whether persistent links pay on this server, reads its connection limit and use,
  suggests host caps for N worker processes connecting as K identities, and checks that pconn's
  request-end reset leaves nothing of a dirtied session behind.
  The password is read from FILE (its first line), never from the command line.";

struct Args {
    conn: String,
    user: Option<String>,
    password_file: Option<String>,
    workers: usize,
    identities: usize,
    json: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    if args.next().as_deref() != Some("doctor") {
        return Err(USAGE.into());
    }
    let mut parsed = Args { conn: String::new(), user: None, password_file: None, workers: 1, identities: 1, json: false };
    let mut conn = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        let count = |name: &str, text: String| text.parse::<usize>().map_err(|_| format!("{name} wants a whole number, not `{text}`"));
        match arg.as_str() {
            "--user" => parsed.user = Some(value("--user")?),
            "--password-file" => parsed.password_file = Some(value("--password-file")?),
            "--workers" => parsed.workers = count("--workers", value("--workers")?)?,
            "--identities" => parsed.identities = count("--identities", value("--identities")?)?,
            "--json" => parsed.json = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other if other.starts_with("--") => return Err(format!("unknown option {other}\n\n{USAGE}")),
            other if conn.is_none() => conn = Some(other.to_owned()),
            _ => return Err(format!("one connection string only\n\n{USAGE}")),
        }
    }
    parsed.conn = conn.ok_or_else(|| USAGE.to_owned())?;
    Ok(parsed)
}

fn read_password(path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("password file {path}: {e}"))?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

fn run() -> Result<String, String> {
    let args = parse(std::env::args().skip(1))?;
    let password = args.password_file.as_deref().map(read_password).transpose()?;
    let request = pconn::doctor::Request {
        conn: &args.conn,
        user: args.user.as_deref(),
        password: password.as_deref(),
        workers: args.workers,
        identities: args.identities,
    };
    // pconn's messages never carry the password (the driver's are scrubbed of it).
    let report = pconn::doctor::examine(&request).map_err(|e| format!("pconn doctor: {e}"))?;
    Ok(if args.json { report.to_json() } else { report.to_text() })
}

fn main() -> ExitCode {
    match run() {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
