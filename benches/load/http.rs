//! The few HTTP requests the benchmark sends itself: readiness probes and
//! one check of each operation before it is loaded.

use http_body_util::{BodyExt, Full};
use hyper::StatusCode;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A keep-alive HTTP/1.1 client.
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// The status of `GET url`; `None` while nothing listens there.
    pub async fn status_of_get(&self, url: &str) -> Option<StatusCode> {
        let request = hyper::Request::get(url)
            .body(Full::default())
            .expect("a GET request");
        let response = self.client.request(request).await.ok()?;
        Some(response.status())
    }

    /// `POST url` with a JSON `body` and `headers`: the status and the whole
    /// answer; `None` while nothing listens there.
    pub async fn post_json(
        &self,
        url: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Option<(StatusCode, Bytes)> {
        let mut request = hyper::Request::post(url)
            .header("content-type", "application/json")
            .header("accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .expect("a POST request");
        let response = self.client.request(request).await.ok()?;
        let status = response.status();
        let bytes = response.into_body().collect().await.ok()?.to_bytes();
        Some((status, bytes))
    }
}
