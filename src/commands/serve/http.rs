//! The HTTP side of `evbus serve`: an HTTP/1 server on hyper that answers every request from the
//! shared state (no broker call per request). It is the command's own I/O, like a terminal is
//! for other commands: what it serves is rendered by the pure layers.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use super::state::{Shared, State};
use crate::health::endpoint::{self, Answer};
use crate::metrics::render;

const INDEX: &str = "evbus serve: /health, /health/kafka, /metrics, /ready\n";

/// Accept connections until the future is dropped, each served on a task of its own and watched
/// by `graceful` so that the caller can let in-flight requests finish.
pub(super) async fn accept(listener: &TcpListener, shared: &Shared, graceful: &GracefulShutdown) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            // Out of file descriptors and the like: pass, rather than spin or end the server.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let shared = shared.clone();
        let service = hyper::service::service_fn(move |req| {
            let shared = shared.clone();
            async move { Ok::<_, Infallible>(answer(&req, &shared)) }
        });
        // A client that never finishes its headers is dropped, not kept forever.
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(Duration::from_secs(10))
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}

/// `?strict`, `?strict=true` or `?strict=1` (not `?strict=false` or `?strict=0`).
fn strict(req: &Request<Incoming>) -> bool {
    req.uri().query().unwrap_or_default().split('&').any(|kv| match kv.split_once('=') {
        None => kv == "strict",
        Some((k, v)) => k == "strict" && !matches!(v, "false" | "0"),
    })
}

fn text(code: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = code;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn json(a: Answer) -> Response<Full<Bytes>> {
    let code = StatusCode::from_u16(a.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut body = serde_json::to_string_pretty(&a.body).unwrap_or_default();
    body.push('\n');
    text(code, "application/json", body)
}

/// One request, answered from the state.
fn answer(req: &Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "text/plain", "only GET and HEAD\n".into());
    }
    let st = match shared.read() {
        Ok(st) => st,
        Err(poisoned) => poisoned.into_inner(),
    };
    let st: &State = &st;
    match req.uri().path() {
        "/metrics" => text(StatusCode::OK, render::CONTENT_TYPE, render::render(&st.stats, st.last.as_ref())),
        "/health" => json(endpoint::health(st.health.as_ref(), strict(req))),
        "/health/kafka" => json(endpoint::kafka(st.health.as_ref(), strict(req))),
        "/ready" if st.ready() => text(StatusCode::OK, "text/plain", "ready\n".into()),
        "/ready" => {
            text(StatusCode::SERVICE_UNAVAILABLE, "text/plain", "not ready: no collection has succeeded yet\n".into())
        }
        "/" => text(StatusCode::OK, "text/plain", INDEX.into()),
        _ => text(StatusCode::NOT_FOUND, "text/plain", format!("not found; {INDEX}")),
    }
}
