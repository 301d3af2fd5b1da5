//! The event loop: keys, signals, sync reports and loads in; effects out; a redraw only when
//! something changed (nothing redraws on a timer, which matters over SSH).

use std::sync::Arc;
use std::task::Poll;

use anyhow::Context as _;

use chrono::Utc;
use crossterm::event::{Event as TermEvent, EventStream, KeyEventKind, MouseEventKind};
use futures::{Stream, StreamExt};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::advise::Advisor;
use super::event::{Effect, Event, ForecastJob};
use super::freshness;
use super::load::{self, Loaded, ViewSpec, load_and_analyse};
use super::state::State;
use super::update::update;
use crate::analysis::forecast::Settings as SimSettings;
use crate::analysis::projection::{Tracking, forecast_in, portfolio_tracks};
use crate::config::Settings;
use crate::domain::Portfolio;
use crate::store::Store;
use crate::sync::{self, SyncEvent, Writers};

/// Events handled at most before a frame is drawn, so a flood of input still shows progress.
const BURST: usize = 256;

/// The last session's analysis, so the first frame needs no full load.
fn spawn_cached_view(store: Store, tx: mpsc::UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        if let Some(view) = store.load_view() {
            let _ = tx.send(Event::ViewCached {
                analysis: Arc::new(view),
            });
        }
    });
}

fn spawn_load(store: Store, view: ViewSpec, generation: u64, tx: mpsc::UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        let result = load_and_analyse(&store, &view).and_then(|mut l| {
            l.portfolio.members = load::assign_members(&store, &view)?;
            Ok(l)
        });
        let _ = tx.send(loaded(generation, result));
    });
}

fn spawn_refresh(
    store: Store,
    view: ViewSpec,
    shown: Arc<Portfolio>,
    job: (u64, String, Vec<u64>),
    tx: mpsc::UnboundedSender<Event>,
) {
    tokio::task::spawn_blocking(move || {
        let (generation, source, ids) = job;
        // A source's first sync after the load brings its members; later ones rarely change
        // them, and reading them back after every sync would cost a large source's every
        // member for a few tickets.
        let has_members = shown.members.iter().any(|m| m.source == source);
        let result = load::refresh(&store, &view, &shown, &source, &ids).and_then(|mut l| {
            if !has_members {
                l.portfolio.members = load::assign_members(&store, &view)?;
            }
            Ok(l)
        });
        let _ = tx.send(loaded(generation, result));
    });
}

fn loaded(generation: u64, result: Result<Loaded, crate::store::StoreError>) -> Event {
    match result {
        Ok(l) => Event::Loaded {
            generation,
            portfolio: Arc::new(l.portfolio),
            analysis: Arc::new(l.analysis),
            snapshots: l.snapshots,
        },
        Err(e) => Event::LoadFailed {
            generation,
            error: e.to_string(),
        },
    }
}

/// The next item of `keys` when one is ready now (`Some(None)`: the stream ended), `None`
/// when it would wait. Polled with the calling task's own waker, never a no-op one
/// (`now_or_never`): crossterm's stream keeps the waker of the first poll that finds nothing
/// and wakes only that one, so a no-op waker there leaves every later key unread until
/// something else wakes the loop.
async fn ready_now<S: Stream + Unpin>(keys: &mut S) -> Option<Option<S::Item>> {
    match futures::poll!(keys.next()) {
        Poll::Ready(item) => Some(item),
        Poll::Pending => None,
    }
}

fn translate(event: Option<std::io::Result<TermEvent>>, size: (u16, u16)) -> Option<Event> {
    match event {
        Some(Ok(TermEvent::Key(k))) if k.kind != KeyEventKind::Release => Some(Event::Key(k)),
        Some(Ok(TermEvent::Mouse(m))) if !matches!(m.kind, MouseEventKind::Moved) => {
            Some(Event::Mouse { event: m, size })
        }
        Some(Ok(TermEvent::Resize(..))) => Some(Event::Resize),
        Some(Ok(_)) => None,
        Some(Err(e)) => {
            tracing::error!("terminal input failed: {e}");
            Some(Event::Terminate)
        }
        None => Some(Event::Terminate),
    }
}

pub async fn run(settings: Settings, store: Store) -> anyhow::Result<()> {
    let env = |k: &str| std::env::var(k).ok();
    let color = settings.color && !crate::palette::no_color(env);
    let names: Vec<String> = settings.sources.iter().map(|s| s.name.clone()).collect();
    let mut state = State::new(settings.keymap.clone(), &names, color, settings.read_only);
    state.unicode = !settings.ascii && crate::ui::glyphs::utf8_locale(env);
    state.palette = settings.theme.fit(crate::palette::ColorDepth::detect(env));
    let view = ViewSpec {
        sources: names.clone().into(),
        policy: settings.stall,
        targets: Arc::new(settings.targets.clone()),
    };

    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let (sync_tx, mut sync_rx) = mpsc::unbounded_channel::<SyncEvent>();
    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut sigint = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    let mut sigquit = signal(SignalKind::quit()).context("cannot watch SIGQUIT")?;

    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e).context("cannot set up the terminal");
        }
    };
    install_panic_exit();
    let mouse = settings.mouse && mouse_capture(true);
    let mut keys = EventStream::new();
    state.profile = settings.profile.clone();
    state.control.kinds = settings
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.kind.label().to_string()))
        .collect();

    state.me = settings.me.clone();
    // The store lives in `<data dir>/store`; exports go beside it, not inside sled's files.
    state.export_dir = super::export::folder(store.path().and_then(std::path::Path::parent));
    state.read_only_sources = settings
        .sources
        .iter()
        .filter(|s| s.read_only)
        .map(|s| s.name.clone())
        .collect();
    let mut advisor = Advisor::new(&store, &settings, tx.clone());
    advisor.feedback();
    spawn_cached_view(store.clone(), tx.clone());
    spawn_load(
        store.clone(),
        view.clone(),
        state.load_generation,
        tx.clone(),
    );
    let mut refresh: Option<sync::Refresh> = None;
    let mut writers_ready: Option<Writers> = None;
    let mut redraw = true;
    update(&mut state, Event::Clock(Utc::now()));

    let result: anyhow::Result<()> = async {
        loop {
            if redraw {
                terminal.draw(|f| crate::ui::draw(f, &state)).context("cannot draw")?;
            }
            let size = terminal.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
            // Wakes only when the header's age would read differently: once a minute at most.
            let tick = freshness::data_time(&state)
                .map(|data| freshness::next_change(data, Utc::now()))
                .unwrap_or(std::time::Duration::from_secs(3600));
            let event = tokio::select! {
                key = keys.next() => match translate(key, size) { Some(e) => e, None => { redraw = false; continue } },
                _ = tokio::time::sleep(tick) => Event::Clock(Utc::now()),
                Some(e) = rx.recv() => e,
                Some(e) = sync_rx.recv() => Event::Sync(e),
                _ = sigterm.recv() => Event::Terminate,
                _ = sighup.recv() => Event::Terminate,
                _ = sigint.recv() => Event::Terminate,
                _ = sigquit.recv() => Event::Terminate,
            };
            // Whatever else is already queued is handled before the next frame: a held key
            // over SSH arrives as a burst, and one frame for the burst is all the user sees.
            // Every batch starts with the time, so what it draws has a current age.
            let mut events = vec![Event::Clock(Utc::now()), event];
            while events.len() < BURST {
                let ready = match ready_now(&mut keys).await {
                    Some(key) => translate(key, size),
                    None => rx.try_recv().ok().or_else(|| sync_rx.try_recv().ok().map(Event::Sync)),
                };
                match ready {
                    Some(e) => events.push(e),
                    None => break,
                }
            }
            redraw = false;
            for event in events {
                let outcome = update(&mut state, event);
                redraw |= outcome.redraw;
                for effect in outcome.effects {
                    match effect {
                        Effect::Reload { generation } => {
                            spawn_load(store.clone(), view.clone(), generation, tx.clone());
                        }
                        Effect::Refresh { generation, source, tickets } => {
                            let job = (generation, source, tickets);
                            spawn_refresh(store.clone(), view.clone(), state.portfolio.clone(), job, tx.clone());
                        }
                        Effect::Persist { analysis, snapshots } => {
                            let store = store.clone();
                            tokio::task::spawn_blocking(move || load::persist(&store, &analysis, &snapshots));
                        }
                        Effect::StartSync => {
                            // The demo tracker takes writes through the store, so its next sync
                            // shows what was written.
                            let sources = sync::build_writable_sources(&settings.sources, &state.portfolio, &store);
                            let r = sync::spawn_all_retaining(store.clone(), sources, sync_tx.clone(), settings.retention);
                            let writers = sync::build_writers(&settings.sources, &state.portfolio, &store, settings.read_only);
                            let spawned = Writers::spawn(writers, Some(r.clone()));
                            advisor.set_writers(spawned.clone());
                            writers_ready = Some(spawned);
                            // Paused in the sources popup before syncing started.
                            for name in &state.control.paused {
                                r.pause(name, true);
                            }
                            refresh = Some(r);
                        }
                        Effect::SyncNow => {
                            if let Some(r) = &refresh {
                                r.now();
                            }
                        }
                        Effect::SyncSource { source } => {
                            if let Some(r) = &refresh {
                                r.now_for(&source);
                            }
                        }
                        Effect::PauseSource { source, paused } => {
                            if let Some(r) = &refresh {
                                r.pause(&source, paused);
                            }
                        }
                        Effect::Forecast(job) => spawn_forecast(state.portfolio.clone(), job, tx.clone()),
                        Effect::Track { portfolio } => spawn_track(portfolio, tx.clone()),
                        Effect::Advise { generation } => {
                            advisor.advise(state.portfolio.clone(), state.analysis.clone(), generation);
                        }
                        Effect::Decide(decision) => advisor.decide(decision),
                        Effect::Apply { suggestion, order } => advisor.apply(suggestion, order),
                        Effect::Revert { suggestion, decision } => advisor.revert(suggestion, decision),
                        Effect::Statuses { source, ticket, key } => {
                            spawn_statuses(writers_ready.clone(), source, ticket, key, tx.clone());
                        }
                        Effect::Bulk { requests } => {
                            spawn_bulk(writers_ready.clone(), requests, store.clone(), tx.clone());
                        }
                        Effect::Copy { text } => {
                            let said = copy(terminal.backend_mut(), &text);
                            let _ = tx.send(Event::Said(said));
                        }
                        Effect::OpenUrl { url } => {
                            let tx = tx.clone();
                            tokio::task::spawn_blocking(move || {
                                let said = match crate::term::open::open_or_show(&url) {
                                    crate::term::open::Opened::Launched(with) => format!("opened with {with}: {url}"),
                                    crate::term::open::Opened::Show { url, reason } => format!("{url} ({reason})"),
                                };
                                let _ = tx.send(Event::Said(said));
                            });
                        }
                        Effect::Export(job) => {
                            let tx = tx.clone();
                            tokio::task::spawn_blocking(move || {
                                let _ = tx.send(Event::Said(job.run()));
                            });
                        }
                        Effect::Fail { message } => anyhow::bail!("{message}"),
                        Effect::Quit => return Ok(()),
                    }
                }
            }
        }
    }
    .await;
    if mouse {
        mouse_capture(false);
    }
    ratatui::restore();
    // Quitting ends the process: freeing a large portfolio piece by piece only delays the
    // exit (a third of a second for 400,000 tickets; see benches/store_load.rs).
    std::mem::forget(state);
    result
}

fn spawn_forecast(portfolio: Arc<Portfolio>, job: ForecastJob, tx: mpsc::UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        let settings = SimSettings {
            method: job.method,
            ..SimSettings::default()
        };
        let now = Utc::now();
        let at = |tracking| {
            forecast_in(
                &portfolio,
                &job.source,
                &job.project,
                job.question,
                now,
                &settings,
                tracking,
            )
        };
        // A corrected forecast whose replay is not kept yet is shown at once at the nominal
        // levels (it says so), and again once the replay is done.
        let first = at(Tracking::KeptOnly);
        let replay = first.correcting;
        let _ = tx.send(Event::Forecasted {
            generation: job.generation,
            result: Arc::new(first),
        });
        if replay {
            let _ = tx.send(Event::Forecasted {
                generation: job.generation,
                result: Arc::new(at(Tracking::Replay)),
            });
        }
    });
}

fn spawn_track(portfolio: Arc<Portfolio>, tx: mpsc::UnboundedSender<Event>) {
    tokio::task::spawn_blocking(move || {
        let jobs = portfolio_tracks(&portfolio, Utc::now().date_naive());
        let replayed = crate::analysis::track::fill(jobs);
        let _ = tx.send(Event::Tracked { replayed });
    });
}

/// Writes the OSC 52 sequence straight to the terminal, between frames; says what it did.
fn copy(out: &mut impl std::io::Write, text: &str) -> String {
    match crate::term::clipboard::osc52(text) {
        Ok(seq) => match out.write_all(seq.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => format!("copied {text} (OSC 52; in tmux, set-clipboard on)"),
            Err(e) => format!("cannot copy: {e}"),
        },
        Err(e) => format!("cannot copy: {e}"),
    }
}

const NOT_STARTED: &str = "the trackers' writers have not started yet; try again in a moment";

fn spawn_statuses(
    writers: Option<Writers>,
    source: String,
    ticket: u64,
    key: String,
    tx: mpsc::UnboundedSender<Event>,
) {
    tokio::spawn(async move {
        let result = match writers {
            Some(w) => w
                .statuses(&source, ticket, &key)
                .await
                .map_err(|e| e.to_string()),
            None => Err(NOT_STARTED.to_string()),
        };
        let _ = tx.send(Event::Statuses {
            ticket: (source, ticket),
            result,
        });
    });
}

fn spawn_bulk(
    writers: Option<Writers>,
    requests: Vec<sync::WriteRequest>,
    store: Store,
    tx: mpsc::UnboundedSender<Event>,
) {
    tokio::spawn(async move {
        let Some(writers) = writers else {
            let failed = requests
                .iter()
                .map(|r| (r.action.key.clone(), NOT_STARTED.to_string()))
                .collect();
            let _ = tx.send(Event::BulkDone(sync::BulkSummary {
                succeeded: Vec::new(),
                failed,
            }));
            return;
        };
        let (progress_tx, mut progress_rx) = mpsc::unbounded_channel();
        let forward = tx.clone();
        let relay = tokio::spawn(async move {
            while let Some(p) = progress_rx.recv().await {
                let _ = forward.send(Event::BulkProgress(p));
            }
        });
        let summary = sync::run_bulk(&writers, requests.clone(), progress_tx).await;
        // Every progress report reaches the screen before the summary does.
        let _ = relay.await;
        // Each write made or refused goes to the audit log, with what it overwrote, as a
        // suggestion's write does.
        let noted = summary.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let ledger = crate::advisor::Ledger::new(&store);
            for (request, result) in sync::bulk_results(&requests, |r| &r.action.key, &noted) {
                let at = Utc::now();
                if let Err(e) = ledger.record_write(&request.source, &request.action, &result, at) {
                    tracing::error!(
                        "cannot note a write to {} in the audit log: {e}",
                        request.source
                    );
                }
            }
        })
        .await;
        let _ = tx.send(Event::BulkDone(summary));
    });
}

/// Turns mouse reporting on or off; returns whether it worked. A terminal left reporting the
/// mouse after lookout ends fills the shell with escape codes, so leaving always turns it off.
fn mouse_capture(on: bool) -> bool {
    use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
    let mut out = std::io::stdout();
    let done = if on {
        crossterm::execute!(out, EnableMouseCapture)
    } else {
        crossterm::execute!(out, DisableMouseCapture)
    };
    if let Err(e) = &done {
        tracing::warn!("cannot switch mouse reporting: {e}");
    }
    done.is_ok()
}

/// ratatui's hook restores the terminal on panic; a panic in a background task must then end
/// the process too, or it would keep drawing on a restored terminal.
fn install_panic_exit() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Harmless when mouse reporting was never on; a shell left with it on is unusable.
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
        previous(info);
        tracing::error!("panic: {info}");
        std::process::exit(101);
    }));
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::sync::Mutex;
    use std::task::{Context, Waker};
    use std::time::Duration;

    use super::*;

    type Queue = Arc<Mutex<(VecDeque<u8>, Option<Waker>)>>;

    /// Keys as crossterm's stream hands them out: a poll that finds nothing keeps its waker
    /// unless one is kept already, and an arriving key wakes that one alone.
    struct FirstWaker(Queue);

    impl Stream for FirstWaker {
        type Item = u8;

        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u8>> {
            let mut q = self.0.lock().expect("queue");
            if let Some(key) = q.0.pop_front() {
                return Poll::Ready(Some(key));
            }
            if q.1.is_none() {
                q.1 = Some(cx.waker().clone());
            }
            Poll::Pending
        }
    }

    #[tokio::test]
    async fn a_key_after_a_drained_burst_still_wakes_the_loop() {
        let queue: Queue = Arc::new(Mutex::new((VecDeque::from([1]), None)));
        let mut keys = FirstWaker(queue.clone());
        assert_eq!(ready_now(&mut keys).await, Some(Some(1)));
        assert_eq!(ready_now(&mut keys).await, None, "the burst is drained");
        let typist = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            let mut q = queue.lock().expect("queue");
            q.0.push_back(2);
            if let Some(w) = q.1.take() {
                w.wake();
            }
        });
        let asked = std::time::Instant::now();
        // A timeout polls its future once more when it fires, which reads the key however
        // the wake-up went: what tells is how long the key waited.
        let next = tokio::time::timeout(Duration::from_secs(3), keys.next()).await;
        typist.join().expect("typist");
        assert_eq!(next, Ok(Some(2)));
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "the key is read when it arrives, not when something else wakes the loop"
        );
    }
}
