"""Serve a GGUF model over llama.cpp's OpenAI-compatible HTTP API (via xllamacpp).

Contract:
  python llama_server.py --model PATH --port N [--host 127.0.0.1] [--ctx-size 4096] [--threads 2]
                         [--parallel 1] [--exit-on-stdin-eof]
  - loads the model, then prints exactly one line "LLAMA_READY <address>" to stderr;
  - serves /v1/models, /v1/chat/completions, ... until SIGTERM/SIGINT (or, with
    --exit-on-stdin-eof, until stdin closes because the parent died), then exits 0;
  - the model id served is the GGUF file name;
  - exits 2 with a message on stderr when the model file is missing or the server cannot start.
"""
import argparse
import os
import signal
import sys
import threading


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--ctx-size", type=int, default=4096)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--exit-on-stdin-eof", action="store_true")
    args = ap.parse_args()

    if not os.path.isfile(args.model):
        print(f"llama_server: model not found: {args.model}", file=sys.stderr)
        return 2

    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.model_alias = {os.path.basename(args.model)}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx_size
    params.n_parallel = args.parallel
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.n_gpu_layers = 0
    params.ui = False
    params.use_jinja = True  # the model's own chat template: tool_choice "required" yields real tool calls

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()

        threading.Thread(target=watch_stdin, daemon=True).start()

    try:
        server = xlc.Server(params)  # blocks until the model is loaded and the HTTP server listens
    except Exception as exc:  # noqa: BLE001 - report any start failure plainly
        print(f"llama_server: failed to start: {exc}", file=sys.stderr)
        return 2

    print(f"LLAMA_READY {server.listening_address}", file=sys.stderr, flush=True)
    while not stop.wait(0.5):
        pass
    # The C++ server lives in background threads; leaving the process ends it.
    del server
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
