//! Who is asking: the client's IP address, for per-client limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::AppState;

/// The client's address: the peer of the connection, or, behind a trusted
/// reverse proxy, the address it appended to `X-Forwarded-For`. IPv4
/// addresses mapped into IPv6 (`::ffff:192.0.2.1`) are read as IPv4. `None`
/// when neither is known (requests made in-process).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_canonical());
        if !state.config.trust_forwarded_for {
            return Ok(Self(peer));
        }
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|line| line.to_str().ok())
            .and_then(forwarded_client);
        Ok(Self(forwarded.or(peer)))
    }
}

/// The client as the trusted proxy saw it: the last entry of the last
/// `X-Forwarded-For` line, the one that proxy appended. When that entry is no
/// address, `None`, and never an earlier entry: the client may have written
/// those itself, to pass for someone else.
fn forwarded_client(line: &str) -> Option<IpAddr> {
    let entry = line.rsplit(',').next()?.trim();
    let ip = match entry.parse::<IpAddr>() {
        Ok(ip) => ip,
        // With a port (`192.0.2.1:5678`, `[2001:db8::1]:443`), or bracketed without one.
        Err(_) => match entry.parse::<SocketAddr>() {
            Ok(addr) => addr.ip(),
            Err(_) => entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?,
        },
    };
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn the_last_entry_is_the_client_with_or_without_a_port() {
        assert_eq!(forwarded_client("192.0.2.1"), ip("192.0.2.1"));
        assert_eq!(forwarded_client("192.0.2.1:5678"), ip("192.0.2.1"));
        assert_eq!(forwarded_client("2001:db8::1"), ip("2001:db8::1"));
        assert_eq!(forwarded_client("[2001:db8::1]:443"), ip("2001:db8::1"));
        assert_eq!(forwarded_client("[2001:db8::1]"), ip("2001:db8::1"));
        assert_eq!(
            forwarded_client("203.0.113.9, 198.51.100.2,2001:db8::7 "),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn ipv4_mapped_into_ipv6_is_read_as_ipv4() {
        assert_eq!(forwarded_client("::ffff:192.0.2.1"), ip("192.0.2.1"));
        assert_eq!(forwarded_client("[::ffff:192.0.2.1]:80"), ip("192.0.2.1"));
    }

    #[test]
    fn an_unreadable_last_entry_gives_nothing_never_an_earlier_one() {
        for line in [
            "192.0.2.1, unknown",
            "192.0.2.1, ",
            "192.0.2.1,",
            "",
            "192.0.2.1, _hidden",
            "192.0.2.1, 192.0.2.300",
            "192.0.2.1, [2001:db8::1",
            "192.0.2.1, 2001:db8::1]:443",
        ] {
            assert_eq!(forwarded_client(line), None, "{line:?}");
        }
    }
}
