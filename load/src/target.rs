//! Where deliveries go: `http://HOST:PORT/PATH` URLs that must resolve to loopback addresses
//! only (this benchmark never sends traffic off the machine).

use std::net::{SocketAddr, ToSocketAddrs};

/// One receiver instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The URL as given.
    pub url: String,
    /// The `Host` header value (`HOST:PORT`).
    pub host: String,
    /// The request path (`/webhook`).
    pub path: String,
    /// The loopback address connected to.
    pub addr: SocketAddr,
}

impl Target {
    /// Parses `url` (`http://` only) and resolves it; refuses any address that is not loopback.
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| {
            format!("{url}: only http:// URLs (loopback receivers) are supported")
        })?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        let with_port = if host
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            host.to_owned()
        } else {
            format!("{host}:80")
        };
        let addrs: Vec<SocketAddr> = with_port
            .to_socket_addrs()
            .map_err(|e| format!("{url}: {e}"))?
            .collect();
        let addr = *addrs.first().ok_or_else(|| format!("{url}: no address"))?;
        if let Some(bad) = addrs.iter().find(|a| !a.ip().is_loopback()) {
            return Err(format!(
                "{url}: resolves to {bad}, which is not a loopback address; this load generator \
                 only sends to receivers on this machine"
            ));
        }
        Ok(Self {
            url: url.to_owned(),
            host: host.to_owned(),
            path: path.to_owned(),
            addr,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_parse() {
        let t = Target::parse("http://127.0.0.1:4242/webhook").unwrap();
        assert_eq!(t.addr, "127.0.0.1:4242".parse().unwrap());
        assert_eq!(
            (t.host.as_str(), t.path.as_str()),
            ("127.0.0.1:4242", "/webhook")
        );
        let t = Target::parse("http://[::1]:80").unwrap();
        assert_eq!(t.path, "/");
        assert!(t.addr.ip().is_loopback());
        assert!(
            Target::parse("http://localhost:9/x")
                .unwrap()
                .addr
                .ip()
                .is_loopback()
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for url in ["https://127.0.0.1/", "127.0.0.1:80", "http:///x"] {
            assert!(Target::parse(url).is_err(), "{url}");
        }
        let e = Target::parse("http://10.0.0.1:80/webhook").unwrap_err();
        assert!(e.contains("not a loopback address"), "{e}");
        let e = Target::parse("http://192.168.1.1/webhook").unwrap_err();
        assert!(e.contains("not a loopback address"), "{e}");
    }
}
