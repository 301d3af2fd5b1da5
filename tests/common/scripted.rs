#![allow(dead_code)]
//! A tiny HTTP server on 127.0.0.1 that answers each request with the next scripted response
//! (the last one repeats), and counts what it was asked.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub struct Scripted {
    pub addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    pub paths: Arc<Mutex<Vec<String>>>,
}

/// A raw HTTP/1.1 response with a body and extra header lines.
pub fn response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut r = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.push_str(body);
    r
}

impl Scripted {
    pub fn start(script: Vec<String>) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let hits = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (h, p) = (hits.clone(), paths.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty() {
                    line.clear();
                }
                if let Ok(mut paths) = p.lock() {
                    paths.push(first.split_whitespace().nth(1).unwrap_or("").to_string());
                }
                let n = h.fetch_add(1, Ordering::SeqCst);
                let answer = script.get(n).or(script.last()).cloned().unwrap_or_default();
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        Scripted { addr, hits, paths }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// A server that answers every request with `head` and then `piece` after `piece`, a
/// `pause` apart, for as long as the client reads: an endless or dripping answer.
pub struct Endless {
    pub addr: SocketAddr,
    /// Bytes the server got written, over every connection.
    pub sent: Arc<std::sync::atomic::AtomicU64>,
    hits: Arc<AtomicUsize>,
    /// Connections that ended because the client went away.
    closed: Arc<AtomicUsize>,
}

impl Endless {
    pub fn start(head: &str, piece: &[u8], pause: std::time::Duration) -> Endless {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let hits = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicUsize::new(0));
        let (head, piece) = (head.as_bytes().to_vec(), piece.to_vec());
        let (s, h, c) = (sent.clone(), hits.clone(), closed.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                h.fetch_add(1, Ordering::SeqCst);
                let (s, c, head, piece) = (s.clone(), c.clone(), head.clone(), piece.clone());
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok() && line != "\r\n" && !line.is_empty()
                    {
                        line.clear();
                    }
                    let mut out = head;
                    loop {
                        if stream.write_all(&out).is_err() {
                            c.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                        s.fetch_add(out.len() as u64, Ordering::SeqCst);
                        out.clone_from(&piece);
                        if !pause.is_zero() {
                            std::thread::sleep(pause);
                        }
                    }
                });
            }
        });
        Endless {
            addr,
            sent,
            hits,
            closed,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    pub fn closed(&self) -> usize {
        self.closed.load(Ordering::SeqCst)
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

/// A chunk of a chunked body holding `n` bytes of JSON whitespace.
pub fn chunk(n: usize) -> Vec<u8> {
    let mut c = format!("{n:x}\r\n").into_bytes();
    c.extend(std::iter::repeat_n(b' ', n));
    c.extend_from_slice(b"\r\n");
    c
}
