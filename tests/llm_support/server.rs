#![allow(dead_code)]
//! An OpenAI-compatible chat server on 127.0.0.1 for the model tests: each request gets the
//! next scripted answer (the last one repeats), and every request body is kept for the test
//! to read.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub enum Answer {
    /// Status line (e.g. "200 OK"), extra headers, body.
    Http(String, Vec<(String, String)>, String),
    /// Reads the request and never answers, until the client goes away.
    Hang,
}

pub struct ChatServer {
    pub addr: SocketAddr,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl ChatServer {
    pub fn start(script: Vec<Answer>) -> ChatServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let Some(body) = read_request(&mut stream) else {
                    continue;
                };
                let n = {
                    let mut b = seen.lock().expect("bodies");
                    b.push(body);
                    b.len() - 1
                };
                let answer = script.get(n).or(script.last()).cloned();
                std::thread::spawn(move || match answer {
                    Some(Answer::Http(status, headers, body)) => {
                        let mut r = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\nConnection: close\r\n",
                            body.len()
                        );
                        for (k, v) in headers {
                            r.push_str(&format!("{k}: {v}\r\n"));
                        }
                        r.push_str("\r\n");
                        r.push_str(&body);
                        let _ = stream.write_all(r.as_bytes());
                    }
                    Some(Answer::Hang) | None => {
                        let mut sink = [0u8; 64];
                        while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
                    }
                });
            }
        });
        ChatServer { addr, bodies }
    }

    /// The base URL a client is configured with.
    pub fn api_base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.bodies.lock().expect("bodies").len()
    }

    pub fn bodies(&self) -> Vec<String> {
        self.bodies.lock().expect("bodies").clone()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some(String::from_utf8_lossy(&body).into_owned())
}

/// A chat completion whose one choice says `content`, with usage.
pub fn completion(content: &str) -> Answer {
    let body = serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000u32,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100}
    });
    ok(body.to_string())
}

pub fn ok(body: String) -> Answer {
    Answer::Http("200 OK".into(), vec![], body)
}

/// An OpenAI-style error answer.
pub fn error(status: &str, headers: &[(&str, &str)], message: &str) -> Answer {
    let body = serde_json::json!({
        "error": {"message": message, "type": "rate_limit_error", "param": null, "code": null}
    });
    Answer::Http(
        status.into(),
        headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body.to_string(),
    )
}
