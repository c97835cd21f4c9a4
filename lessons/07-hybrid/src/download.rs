//! Downloading one photo, with retries: a photo the server fails to deliver is tried again after
//! a pause that doubles, and if every attempt fails the error names the photo.

use std::time::{Duration, Instant};

use local_server::reqwest;

use crate::gauge::Held;
use crate::{Ctx, photo_name};

/// Attempts at each photo before it is given up.
pub const ATTEMPTS: u32 = 3;
/// The pause before the second attempt; each later pause is twice the one before.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(10);

/// A downloaded photo, counted as held in memory until it is dropped.
#[derive(Debug)]
pub struct Photo {
    pub index: usize,
    pub jpeg: Vec<u8>,
    _held: Held,
}

// ANCHOR: download
/// Downloads photo `index`, trying up to [`ATTEMPTS`] times. The error says which photo and why.
pub async fn download(ctx: &Ctx, index: usize) -> Result<Photo, String> {
    let started = Instant::now();
    let url = &ctx.photos[index].url;
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    let outcome = loop {
        match fetch(&ctx.client(), url).await {
            Ok(jpeg) => break Ok(jpeg),
            Err(why) if attempt == ATTEMPTS => break Err(why),
            Err(_) => {
                tokio::time::sleep(backoff).await;
                (attempt, backoff) = (attempt + 1, backoff * 2);
            }
        }
    };
    ctx.gauge.downloaded();
    ctx.download_span(started);
    match outcome {
        Ok(jpeg) => Ok(Photo {
            index,
            jpeg,
            _held: ctx.gauge.hold(), // from here the photo is in memory
        }),
        Err(why) => Err(format!(
            "{}: failed {ATTEMPTS} times: {why}",
            photo_name(index)
        )),
    }
}
// ANCHOR_END: download

/// One GET: the status checked, the whole body read. Errors leave out the URL (its port
/// changes every run): the caller names the photo.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let failed = |e: reqwest::Error| describe(&e.without_url());
    let response = client.get(url).send().await.map_err(failed)?;
    if !response.status().is_success() {
        return Err(format!("the server answered {}", response.status()));
    }
    let body = response.bytes().await.map_err(failed)?;
    Ok(body.to_vec())
}

/// An error with its causes, on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}
