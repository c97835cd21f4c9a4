//! What the judge knows before any answer runs: what one thumbnail and one download cost here and
//! every photo's checksum; what each URL of a batch must end as; and the ideal time of a batch.

use std::time::{Duration, Instant};

use local_server::LocalServer;
use local_server::routes::PHOTOS;

use super::{Judged, wrong};
use crate::BatchSeen;
use crate::photos::{make_thumbnail, photo_for_the_judge};
use crate::run::Seen;

/// Costs measured by the judge, on this machine, before the checks.
#[derive(Debug, Clone)]
pub(super) struct Costs {
    /// One thumbnail's CPU time: the mean over the server's photos of each one's fastest of two.
    pub thumbnail: Duration,
    /// One download of a photo without a server delay: the median of the server's photos.
    pub download: Duration,
    /// The checksum of the thumbnail of photo `id % PHOTOS`.
    pub checksums: Vec<u64>,
}

impl Costs {
    pub fn measure(server: &LocalServer) -> Result<Costs, String> {
        let jpegs = download_all(server)?;
        let (mut thumbnails, mut checksums) = (Vec::new(), Vec::new());
        for (url, jpeg) in jpegs.photos {
            let mut fastest = Duration::MAX;
            let mut made = Vec::new();
            for _ in 0..2 {
                let photo = photo_for_the_judge(url.clone(), jpeg.clone());
                let started = Instant::now();
                made.push(make_thumbnail(photo).checksum());
                fastest = fastest.min(started.elapsed());
            }
            if made[0] != made[1] || made[0] == 0 {
                return Err(format!("made two different thumbnails of {url}"));
            }
            thumbnails.push(fastest);
            checksums.push(made[0]);
        }
        Ok(Costs {
            thumbnail: thumbnails.iter().sum::<Duration>() / thumbnails.len() as u32,
            download: jpegs.download,
            checksums,
        })
    }

    /// The ideal of a streaming pipeline: `n` photos downloaded one after another, each taking
    /// `download`, while `cores` make thumbnails. The slower stage sets the pace; the other adds
    /// one photo's worth (the first download before any thumbnail, or the last thumbnail after
    /// the last download). The cores also run each download's own work (client and server, at
    /// most the time of a download without delay).
    pub fn pipeline(&self, n: usize, download: Duration, cores: f64) -> Duration {
        let (n, cpu) = (n as f64, self.thumbnail.as_secs_f64());
        let fetching = n * download.as_secs_f64() + cpu;
        let per_photo = cpu + self.download.as_secs_f64();
        let making = n * per_photo / cores.max(1.0) + download.as_secs_f64();
        Duration::from_secs_f64(fetching.max(making))
    }

    /// The ideal of the two phases: every download, then every thumbnail.
    pub fn two_phases(&self, n: usize, download: Duration, cores: f64) -> Duration {
        let (n, cpu) = (n as f64, self.thumbnail.as_secs_f64());
        Duration::from_secs_f64(n * download.as_secs_f64() + n * cpu / cores.max(1.0))
    }
}

/// The server's photos, and what one download costs.
struct Downloaded {
    photos: Vec<(String, Vec<u8>)>,
    download: Duration,
}

/// Downloads the server's photos one after another, as an answer's download stage does: the
/// same async client on a runtime of one thread. Twice: the second round, on an open connection,
/// is the one timed (its median).
fn download_all(server: &LocalServer) -> Result<Downloaded, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start a runtime: {e}"))?;
    let client = local_server::client::asynchronous(Duration::from_secs(5))
        .map_err(|e| format!("could not build its client: {e}"))?;
    runtime.block_on(async {
        let mut times = Vec::new();
        let mut photos = Vec::new();
        for round in 0..2 {
            for id in 0..PHOTOS {
                let url = server.url(&format!("/photo/{id}/0"));
                let started = Instant::now();
                let body = async {
                    client
                        .get(&url)
                        .send()
                        .await?
                        .error_for_status()?
                        .bytes()
                        .await
                };
                let jpeg = body
                    .await
                    .map_err(|e| format!("could not download {url}: {e}"))?;
                if round == 1 {
                    times.push(started.elapsed());
                    photos.push((url, jpeg.to_vec()));
                }
            }
        }
        times.sort();
        Ok(Downloaded {
            photos,
            download: times[times.len() / 2],
        })
    })
}

/// What the judge expects of one URL.
#[derive(Debug, Clone, Copy)]
pub(super) enum Expected {
    Thumbnail(u64),
    Failed,
}

/// One result per URL, each what the URL must end as; then no task left running.
pub(super) fn every_result(cases: &[(String, Expected)], seen: &BatchSeen) -> Result<(), Judged> {
    let results = &seen.results;
    for (url, _) in results {
        if !cases.iter().any(|(wanted, _)| wanted == url) {
            return wrong(format!("a result names {url}, which is not in the batch"));
        }
    }
    let n = cases.len();
    let of = |url: &String| -> Vec<&Seen> {
        let of_url = results.iter().filter(|(seen, _)| seen == url);
        of_url.map(|(_, seen)| seen).collect()
    };
    let missing: Vec<usize> = (0..n).filter(|&i| of(&cases[i].0).is_empty()).collect();
    if let Some(&first) = missing.first() {
        let last = match (missing.contains(&(n - 1)), missing.len()) {
            (false, _) => "",
            (true, 1) => ", the last photo of the batch",
            (true, _) => ", among them the last photo of the batch",
        };
        let made = seen.counts.thumbnails_made;
        let why = if made
            > seen
                .results
                .iter()
                .filter(|(_, s)| s.is_thumbnail())
                .count()
        {
            format!(
                "{made} thumbnails were made in all, some after the answer had returned: \
                 collect results until their channel closes, and wait for every worker"
            )
        } else {
            "was a photo dropped on the way, or a result not sent?".to_string()
        };
        return wrong(format!(
            "{} results for {n} photos: none for {} (photo {} of {n}){}{last}. {why}",
            results.len(),
            cases[first].0,
            first + 1,
            match missing.len() {
                1 => String::new(),
                more => format!(" and {} more", more - 1),
            },
        ));
    }
    for (url, expected) in cases {
        let of_url = of(url);
        if of_url.len() > 1 {
            return wrong(format!("{url} has {} results, not one", of_url.len()));
        }
        match (expected, of_url[0]) {
            (Expected::Thumbnail(wanted), Seen::Thumbnail { checksum, .. }) => {
                if checksum != wanted {
                    return wrong(format!(
                        "the thumbnail of {url} has checksum {checksum:016x}, not {wanted:016x}"
                    ));
                }
            }
            (Expected::Thumbnail(_), Seen::Failed(why)) => {
                return wrong(format!(
                    "{url} downloads fine, but its result is a failure: {why}"
                ));
            }
            (Expected::Failed, Seen::Failed(_)) => {}
            (Expected::Failed, Seen::Thumbnail { .. }) => {
                return wrong(format!(
                    "{url} cannot be downloaded, yet it has a thumbnail"
                ));
            }
        }
    }
    if seen.tasks_left > 0 {
        return wrong(format!(
            "the answer returned while {} of its tasks were still running: wait for every \
             task it spawned before returning",
            seen.tasks_left
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slower_stage_sets_the_pace_and_the_other_adds_one_photo() {
        let ms = Duration::from_millis;
        let costs = Costs {
            thumbnail: ms(30),
            download: ms(0),
            checksums: Vec::new(),
        };
        // Balanced: 10 downloads of 15 ms, 10 thumbnails of 30 ms on 2 cores.
        assert_eq!(costs.pipeline(10, ms(15), 2.0), ms(180));
        assert_eq!(costs.two_phases(10, ms(15), 2.0), ms(300));
        // One core: the thumbnails set the pace, the first download comes before them.
        assert_eq!(costs.pipeline(10, ms(15), 1.0), ms(315));
        // Slow downloads: they set the pace, the last thumbnail comes after them.
        assert_eq!(costs.pipeline(10, ms(40), 2.0), ms(430));
    }
}
