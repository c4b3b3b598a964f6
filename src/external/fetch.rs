//! The link check's edge: requests to the addresses the site links to, the one place evident
//! talks to the network (and the one module that knows reqwest).
//!
//! reqwest rather than ureq: it runs on the hyper and tokio that `serve` already compiles in, so
//! the check adds little to the build, and tokio's semaphores give the global and per-host limits
//! without a thread per request. Redirects are followed here, by hand, so that a permanent first
//! hop (301, 308) is seen; HEAD is tried first, and GET when a server refuses HEAD (403, 405,
//! 501) or when the body is wanted (a source's page, to compare with its archived copy).
//!
//! Everything is bounded: attempts per address ([`MAX_ATTEMPTS`]), redirects ([`MAX_REDIRECTS`]),
//! bytes read of a body ([`MAX_BODY`]), the wait a `Retry-After` may ask for (`retry_cap`), and
//! each request's time (`timeout`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode, Url};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::external::{host_of, Outcome};

/// One retry, after a timeout, a 5xx or a 429.
pub const MAX_ATTEMPTS: u32 = 2;
pub const MAX_REDIRECTS: usize = 10;
/// Bodies are read for drift only; a page larger than this is compared on its first 10 MiB.
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// The wait before a retry when the server does not say (`Retry-After`).
const BACKOFF: Duration = Duration::from_millis(500);

/// How to request.
#[derive(Clone, Debug)]
pub struct Options {
    pub concurrency: usize,
    pub per_host: usize,
    pub timeout: Duration,
    /// `evident/<version> (+link check; <base_url>)`.
    pub user_agent: String,
    /// The longest `Retry-After` honoured.
    pub retry_cap: Duration,
}

/// One address to request; `body` asks for its body (a source's page, for drift).
#[derive(Clone, Debug)]
pub struct Request {
    pub url: String,
    pub body: bool,
}

/// What an address answered, with its body when asked for and readable as text: the name gives
/// its kind to `archive::extract` (`live.html`, `live.pdf`, `live.txt`).
#[derive(Clone, Debug)]
pub struct Fetched {
    pub outcome: Outcome,
    pub body: Option<(String, Vec<u8>)>,
}

fn dead(why: impl Into<String>) -> Fetched {
    Fetched {
        outcome: Outcome::Dead { why: why.into() },
        body: None,
    }
}

/// Requests every address, at most `concurrency` at once and `per_host` at once to one host; the
/// answers are in the order of `requests`.
pub fn fetch_all(requests: Vec<Request>, opts: &Options) -> Vec<(String, Fetched)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let client = Client::builder()
        .user_agent(opts.user_agent.clone())
        .timeout(opts.timeout)
        .redirect(Policy::none())
        .build();
    match (runtime, client) {
        (Ok(rt), Ok(client)) => rt.block_on(run(client, requests, opts.clone())),
        (Err(e), _) => fail_all(requests, &format!("cannot start the requests: {e}")),
        (_, Err(e)) => fail_all(requests, &format!("cannot start the HTTP client: {e}")),
    }
}

fn fail_all(requests: Vec<Request>, why: &str) -> Vec<(String, Fetched)> {
    requests.into_iter().map(|r| (r.url, dead(why))).collect()
}

async fn run(client: Client, requests: Vec<Request>, opts: Options) -> Vec<(String, Fetched)> {
    let all = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let opts = Arc::new(opts);
    let mut set = JoinSet::new();
    for (i, req) in requests.into_iter().enumerate() {
        let host = host_of(&req.url).unwrap_or_default();
        let per_host = Arc::clone(
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(opts.per_host.max(1)))),
        );
        let (all, client, opts) = (Arc::clone(&all), client.clone(), Arc::clone(&opts));
        set.spawn(async move {
            // The host's permit first, so that a request waiting for its host holds no global one.
            let _host = per_host.acquire_owned().await;
            let _all = all.acquire_owned().await;
            let fetched = check(&client, &req, &opts).await;
            (i, req.url, fetched)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(answer) = joined {
            out.push(answer);
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, u, f)| (u, f)).collect()
}

/// One try at an address: its answer, or an answer worth one more try after a wait.
enum Attempt {
    Done(Fetched),
    Retry { after: Duration, outcome: Outcome },
}

async fn check(client: &Client, req: &Request, opts: &Options) -> Fetched {
    let mut attempt = 1;
    loop {
        match follow(client, req).await {
            Attempt::Done(f) => return f,
            Attempt::Retry { outcome, .. } if attempt >= MAX_ATTEMPTS => {
                return Fetched {
                    outcome,
                    body: None,
                }
            }
            Attempt::Retry { after, .. } => {
                tokio::time::sleep(after.min(opts.retry_cap)).await;
                attempt += 1;
            }
        }
    }
}

/// Requests `req.url`, following redirects up to [`MAX_REDIRECTS`].
async fn follow(client: &Client, req: &Request) -> Attempt {
    let Ok(mut current) = Url::parse(&req.url) else {
        return Attempt::Done(dead("not a URL"));
    };
    let mut permanent = false;
    for hop in 0..=MAX_REDIRECTS {
        let resp = match send(client, &current, req.body).await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Attempt::Retry {
                    after: BACKOFF,
                    outcome: Outcome::Timeout,
                }
            }
            Err(e) => return Attempt::Done(dead(describe(&e))),
        };
        let status = resp.status();
        if status.is_redirection() {
            let next = (resp.headers().get(LOCATION))
                .and_then(|v| v.to_str().ok())
                .and_then(|l| current.join(l).ok());
            let Some(next) = next else {
                return Attempt::Done(dead(format!("HTTP {} without a Location", status.as_u16())));
            };
            if hop == 0 {
                permanent = matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
            }
            current = next;
            continue;
        }
        if status.is_success() {
            let body = if req.body {
                read_body(resp).await
            } else {
                None
            };
            let outcome = if permanent {
                Outcome::Moved {
                    to: current.to_string(),
                }
            } else {
                Outcome::Ok
            };
            return Attempt::Done(Fetched { outcome, body });
        }
        let outcome = Outcome::Dead {
            why: format!("HTTP {status}"),
        };
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Attempt::Retry {
                after: retry_after(&resp).unwrap_or(BACKOFF),
                outcome,
            };
        }
        return Attempt::Done(Fetched {
            outcome,
            body: None,
        });
    }
    Attempt::Done(dead(format!("more than {MAX_REDIRECTS} redirects")))
}

/// HEAD, or GET when the body is wanted or the server refuses HEAD.
async fn send(client: &Client, url: &Url, body: bool) -> reqwest::Result<Response> {
    if !body {
        let r = client.head(url.clone()).send().await?;
        let refused = [
            StatusCode::FORBIDDEN,
            StatusCode::METHOD_NOT_ALLOWED,
            StatusCode::NOT_IMPLEMENTED,
        ];
        if !refused.contains(&r.status()) {
            return Ok(r);
        }
    }
    client.get(url.clone()).send().await
}

/// `Retry-After` in seconds (the HTTP-date form is rare enough to wait the default instead).
fn retry_after(resp: &Response) -> Option<Duration> {
    let v = resp.headers().get(RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The body, up to [`MAX_BODY`] bytes, when its type is text evident can compare.
async fn read_body(mut resp: Response) -> Option<(String, Vec<u8>)> {
    let kind = (resp.headers().get(CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = if kind.contains("html") {
        "live.html"
    } else if kind.contains("application/pdf") {
        "live.pdf"
    } else if kind.starts_with("text/plain") {
        "live.txt"
    } else {
        return None;
    };
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = resp.chunk().await {
        let room = MAX_BODY.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() >= MAX_BODY {
            break;
        }
    }
    Some((name.to_string(), bytes))
}

/// A failed request in a few words: what a maintainer can act on.
fn describe(e: &reqwest::Error) -> String {
    let mut why = if e.is_connect() {
        "cannot connect".to_string()
    } else if e.is_request() {
        "the request failed".to_string()
    } else {
        "no usable answer".to_string()
    };
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
    // The innermost cause names the reason (DNS, refused, certificate).
    let mut last = None;
    for _ in 0..8 {
        let Some(c) = cause else { break };
        last = Some(c.to_string());
        cause = c.source();
    }
    if let Some(l) = last {
        why.push_str(&format!(" ({l})"));
    }
    why
}
