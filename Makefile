# The two commands in the README: `make run` and `make test`. Each installs what it
# needs first (.ci/setup is idempotent and skips what is already there).

export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(HOME)/.local/bin:$(PATH)

.PHONY: run release site test lint test-rust test-e2e

## Set up, build the release binary and run Berth on http://127.0.0.1:5000 (data in ./data).
run: release
	./target/release/berth

## The self-contained release binary: the site (wasm, JS, CSS) is built first, then
## embedded into target/release/berth.
release:
	.ci/setup
	cargo leptos build --release --precompress --frontend-only
	cargo build --release --locked -p server

## Set up and run every test: formatting and lints, unit, integration (real berth
## processes) and browser.
test:
	.ci/setup --test
	$(MAKE) lint site test-rust test-e2e

lint:
	cargo fmt --check
	cargo clippy --locked -p app -p server --all-targets -- -D warnings

## The debug site the tests' berth serves from target/site.
site:
	cargo leptos build --frontend-only

test-rust:
	cargo test --locked -p app -p server

test-e2e:
	cargo build --locked -p server
	cd end2end && BERTH_E2E_PORT=$$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') npx playwright test
