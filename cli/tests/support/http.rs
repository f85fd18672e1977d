//! A minimal HTTP/1.1 keep-alive client for load in tests: it costs the servers under test
//! almost nothing and compiles in no time (std only).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One connection to `addr` (`127.0.0.1:PORT`), reopened after an error.
pub struct Conn {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// A connection to `addr`, opened on first use.
    pub fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
            stream: None,
        }
    }

    /// The address this connection talks to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Writes one `POST /webhook` (without reading the answer): pair with [`Conn::read`] to
    /// have several requests in flight on several connections at the same moment.
    pub fn send(&mut self, signature: &str, body: &[u8]) -> io::Result<()> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.addr)?;
            stream.set_nodelay(true)?;
            stream.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.stream = Some(BufReader::new(stream));
        }
        let head = format!(
            "POST /webhook HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Stripe-Signature: {signature}\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        let result = (|| {
            let stream = self.stream.as_mut().unwrap().get_mut();
            stream.write_all(head.as_bytes())?;
            stream.write_all(body)
        })();
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    /// Reads the answer to the request [`send`](Self::send) wrote: its status code.
    pub fn read(&mut self) -> io::Result<u16> {
        let result = self.read_answer();
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    fn read_answer(&mut self) -> io::Result<u16> {
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "nothing sent"))?;
        let mut line = String::new();
        if stream.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, line.clone()))?;
        let mut length = 0;
        let mut close = false;
        loop {
            line.clear();
            if stream.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.trim().eq_ignore_ascii_case("close");
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body)?;
        if close {
            self.stream = None;
        }
        Ok(status)
    }

    /// One request and its answer.
    pub fn post(&mut self, signature: &str, body: &[u8]) -> io::Result<u16> {
        self.send(signature, body)?;
        self.read()
    }
}
