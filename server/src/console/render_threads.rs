//! Console pages are rendered on dedicated threads, each running a single-threaded
//! runtime, so everything one render spawns (Suspense effects, resource loads) runs
//! on the thread that started it.
//!
//! Why: Leptos's reactive graph is not safe to drive from several threads at once.
//! A `Memo` takes its value out while it recomputes, and a second thread reading it
//! in that moment panics ("called `Option::unwrap()` on a `None` value" in
//! `arc_memo.rs`). On the shared multi-threaded runtime two Suspense effects of one
//! page (the top bar's and the sidebar's both read the current workspace) ran on two
//! workers at once; the panic killed one effect, its Suspense never resolved and the
//! page hung until the render deadline. Measured: about 1 in 3,000 requests with a
//! few milliseconds of jitter in the server functions, none in 20,000 after this.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::runtime::Handle;

struct RenderThreads {
    runtimes: Vec<Handle>,
    next: AtomicUsize,
}

impl RenderThreads {
    /// One render thread per core: a render is short and CPU-bound between its
    /// database reads, so more threads would only take turns.
    fn start() -> Self {
        let count = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let runtimes = (0..count)
            .map(|n| {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a render runtime");
                let handle = runtime.handle().clone();
                std::thread::Builder::new()
                    .name(format!("console-render-{n}"))
                    .spawn(move || runtime.block_on(std::future::pending::<()>()))
                    .expect("a render thread");
                handle
            })
            .collect();
        RenderThreads { runtimes, next: AtomicUsize::new(0) }
    }

    fn pick(&self) -> &Handle {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        &self.runtimes[n % self.runtimes.len()]
    }
}

fn render_threads() -> &'static RenderThreads {
    static THREADS: OnceLock<RenderThreads> = OnceLock::new();
    THREADS.get_or_init(RenderThreads::start)
}

/// Runs a page render on one of the render threads; everything else goes on where it
/// is. A render that panics panics here too, so `render_failures_are_answered` answers
/// it as it answers any other.
pub async fn render_pages_on_one_thread(req: Request, next: Next) -> Response {
    use tracing::Instrument;
    if !super::is_page(&req) {
        return next.run(req).await;
    }
    let rendered = render_threads().pick().spawn(next.run(req).in_current_span()).await;
    rendered.unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()))
}
