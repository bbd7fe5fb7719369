#!/usr/bin/env python3
# fake-comfyui.py — a loopback ComfyUI server: HTTP and websocket
#
# Copyright 2026 The Inbetween authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Faithful to ../shared/research/comfyui.md (no kinder than the real one):
#
#   GET  /system_stats, /object_info[/<class>], /models[/<folder>], /prompt
#   POST /upload/image     multipart; a clashing name with other bytes is
#                          renamed "name (1).ext", the same bytes reused
#   POST /prompt           strict validation (class types, required inputs,
#                          links and their types, numbers in range, combos
#                          — a missing model file is value_not_in_list),
#                          node_errors on 400 and, when some outputs stay
#                          valid, on 200; a client prompt_id must be a
#                          canonical UUID
#   GET  /history[/<id>]   {} until a prompt is done; POST /history
#   GET  /queue            running / pending; POST /queue {"delete"|"clear"}
#   POST /interrupt        {"prompt_id"} interrupts only that running prompt
#   GET/POST /api/jobs/<id>[/cancel]
#   GET  /view             400 on "/…" or "..", 403 on an escaping subfolder
#   GET  /ws?clientId=     websocket: status on connect; a prompt's events
#                          only to its client id's socket, in the real order
#                          (execution_start, execution_cached, executing,
#                          progress per sampler step with binary previews,
#                          executed, execution_success, then the history,
#                          then executing node:null); a socket closing drops
#                          the entry of a newer one with the same id
#   Every route is also served under /api/.
#
# A single worker runs the queue (lowest number first). Scenario keys:
#   models_missing    [file, …] absent from their folders
#   nodes_missing     [class, …] not installed
#   vanish_on_upload  {"models": [file, …], "nodes": [class, …]}: gone from
#                     the server once a keyframe is uploaded (after
#                     pre-flight, before the prompt)
#   custom_nodes      true: VHS_VideoCombine installed
#   old_server        true: client prompt ids ignored (a fresh one minted),
#                     no jobs API, a global /interrupt, "invalid_prompt" for
#                     a missing node type
#   step_ms           time per sampler step (default 25)
#   load_ms           time per other node (default 5)
#   previews          false: none (default true: one per step)
#   preview_format    "png" (default) | "jpeg" (needs preview_jpeg_path)
#   oom_at            {"node": id (default: the last sampler), "step": n}
#   interrupt_at      {"step": n}: interrupted on the server (not by us)
#   drop_socket_at    step of the first sampler at which the prompt's
#                     socket is cut (no close frame)
#   silent_socket     true: sockets stay open but carry no prompt event or
#                     preview (a stalled connection: only polling sees it)
#   stall_view_once   true: the first GET /view sends half the clip, then
#                     nothing, the connection held open (a stalled download)
#   await_reconnect   true: after that cut, the prompt goes on only once a
#                     websocket has connected again (at most 120 s), so a
#                     test of the reconnection waits on a state, not a time
#   restart_at        step at which the server "restarts": queue, history
#                     and sockets are lost, the prompt stops silently
#   output_form       "auto" (by the output node: SaveVideo → images +
#                     animated, VHS → gifs) | "videos" | "still" (images
#                     without animated) | "animated_webp" | "none" (a
#                     success whose history has no outputs)
#   hostile_filename  the output's name in the history (e.g. "../x.mp4")
#   hostile_subfolder the output's subfolder
#   foreign_prompts   n prompts of another client queued before ours
#   foreign_ms        how long each runs (default 300)
#   await_queue_seen  true: a foreign prompt also runs on until the
#                     script's queue_seen is true or no prompt of ours is
#                     waiting any more (at most 60 s), so a test sees the
#                     queue said, or cancels in it, however late it runs
#   stall             {path prefix: n}: the next n requests to a path that
#                     starts with it (/prompt, /history, /upload,
#                     /object_info, …; n -1: every one) are read whole and
#                     answered with nothing, the connection held open until
#                     the client gives up (a server stuck mid-call); a
#                     stalled POST /prompt is queued first (its answer is
#                     what is lost) unless stall_unqueued
#   stall_unqueued    true: a stalled POST /prompt queues nothing
#   submit_drop       true: queue the prompt, drop the connection unanswered
#   submit_500        true: queue the prompt, answer 500
#   video_path        the file served as every clip
#   await_upload_seen true: the answer to an upload waits until the
#                     script's upload_seen is true (at most 60 s), so a test
#                     sees the uploads said however late the client runs
#   await_pass_seen   true: after the first step of its n-th sampler (from 1)
#                     the prompt goes on only once the script's pass_seen is
#                     n or more (at most 60 s), so a test sees every pass in
#                     its progress however late its main loop runs; or
#                     until the prompt is interrupted (a test that cancels
#                     while sampling)

import base64
import hashlib
import heapq
import json
import os
import select
import socket
import struct
import sys
import threading
import time
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fakelib  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MODEL_FILES = {
    "diffusion_models": ["wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                         "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                         "wan2.1_flf2v_720p_14B_fp16.safetensors",
                         "wan2.1_flf2v_720p_14B_fp8_e4m3fn.safetensors"],
    "text_encoders": ["umt5_xxl_fp8_e4m3fn_scaled.safetensors"],
    "vae": ["wan_2.1_vae.safetensors"],
    "clip_vision": ["clip_vision_h.safetensors"],
    "loras": ["wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors",
              "wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors"],
    "checkpoints": [],
}
SAMPLER_CLASSES = ("KSampler", "KSamplerAdvanced")
OOM_MESSAGE = ("Allocation on device \nThis error means you ran out of memory on your GPU.\n\n"
               "TIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.")

with open(os.path.join(HERE, "comfyui-nodes.json"), encoding="utf-8") as fh:
    CATALOGUE = json.load(fh)["nodes"]


def now_ms():
    return int(time.time() * 1000)


def png_bytes(width, height, t):
    """A small PNG with the standard library only: a sky gradient and a
    disc that moves right as t goes from 0 to 1 (a stand-in for a latent
    preview)."""
    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xffffffff
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
    cx, cy, r2 = int(width * (0.25 + 0.5 * t)), height // 2, (height // 5) ** 2
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            if (x - cx) ** 2 + (y - cy) ** 2 <= r2:
                row += bytes((250, 190, 60))
            else:
                row += bytes((40 + 120 * y // height, 60 + 80 * x // width, 160 - 60 * y // height))
        rows.append(bytes(row))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


# --- websocket --------------------------------------------------------------

class WebSocket:
    def __init__(self, handler, sid):
        self.handler = handler
        self.conn = handler.connection
        self.sid = sid
        self.lock = threading.Lock()
        self.closed = False

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 65536:
            header += bytes([126]) + struct.pack(">H", n)
        else:
            header += bytes([127]) + struct.pack(">Q", n)
        with self.lock:
            if self.closed:
                return False
            try:
                self.conn.sendall(header + payload)
                return True
            except OSError:
                self.closed = True
                return False

    def send_json(self, kind, data):
        return self.send_frame(1, json.dumps({"type": kind, "data": data}).encode())

    def send_binary(self, data):
        return self.send_frame(2, data)

    def cut(self):
        """Gone without a close frame (a broken connection)."""
        with self.lock:
            self.closed = True
            try:
                self.conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def read_frames(self):
        f = self.handler.rfile
        while not self.closed:
            head = f.read(2)
            if len(head) < 2:
                return
            opcode = head[0] & 0x0F
            masked = head[1] & 0x80
            n = head[1] & 0x7F
            if n == 126:
                n = struct.unpack(">H", f.read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", f.read(8))[0]
            mask = f.read(4) if masked else b"\0\0\0\0"
            payload = bytearray(f.read(n))
            for i in range(len(payload)):
                payload[i] ^= mask[i % 4]
            if opcode == 8:
                self.send_frame(8, bytes(payload[:2]))
                return
            if opcode == 9:
                self.send_frame(10, bytes(payload))


# --- the server's state -----------------------------------------------------

class Comfy:
    def __init__(self, server):
        self.server = server
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.sockets = {}          # sid -> WebSocket
        self.heap = []             # (number, seq, item)
        self.running = None        # item
        self.history = {}          # id -> entry
        self.history_order = []
        self.number = 0
        self.seq = 0
        self.inputs = {}           # (subfolder, name) -> bytes
        self.outputs = {}          # (type, subfolder, name) -> bytes
        self.output_counter = 0
        self.interrupt_flag = False
        self.generation = 0        # bumped by a restart
        self.last_node_id = None
        self.client_id = None
        threading.Thread(target=self.worker, daemon=True).start()

    def get(self, key, default=None):
        return self.server.state.get(key, default)

    # folders and the catalogue
    def folder(self, name):
        if name == "input":
            return sorted(n if not s else s + "/" + n for (s, n) in self.inputs)
        missing = set(self.get("models_missing", []))
        return [f for f in MODEL_FILES.get(name, []) if f not in missing]

    def installed(self):
        missing = set(self.get("nodes_missing", []))
        out = {}
        for klass, spec in CATALOGUE.items():
            if klass in missing:
                continue
            if spec.get("x-custom") and not self.get("custom_nodes", False):
                continue
            out[klass] = spec
        return out

    def object_info(self, klass):
        spec = json.loads(json.dumps(self.installed()[klass]))
        for group in ("required", "optional"):
            for name, entry in spec["input"].get(group, {}).items():
                if isinstance(entry[0], str) and entry[0].startswith("x-folder:"):
                    entry[0] = self.folder(entry[0][len("x-folder:"):])
        spec.pop("x-custom", None)
        spec["name"] = klass
        spec["display_name"] = klass
        spec["input_order"] = {g: list(v.keys()) for g, v in spec["input"].items()}
        spec["output_is_list"] = [False] * len(spec["output"])
        spec["python_module"] = "custom_nodes.vhs" if klass.startswith("VHS") else "nodes"
        return spec

    # sockets
    def send(self, sid, kind, data):
        with self.lock:
            ws = self.sockets.get(sid) if sid is not None else None
        if ws is not None and not self.get("silent_socket"):
            ws.send_json(kind, data)

    def broadcast(self, kind, data):
        with self.lock:
            targets = list(self.sockets.values())
        for ws in targets:
            ws.send_json(kind, data)

    def send_binary(self, sid, data):
        with self.lock:
            ws = self.sockets.get(sid) if sid is not None else None
        if ws is not None and not self.get("silent_socket"):
            ws.send_binary(data)

    def queue_remaining(self):
        with self.lock:
            return len(self.heap) + (1 if self.running else 0)

    def status(self):
        self.broadcast("status", {"status": {"exec_info": {"queue_remaining": self.queue_remaining()}}})

    # the queue
    def put(self, item, front=False):
        with self.lock:
            self.number += 1
            number = -self.number if front else self.number
            item["number"] = number
            self.seq += 1
            heapq.heappush(self.heap, (number, self.seq, item))
            self.cond.notify_all()
        self.status()
        return number

    def pending(self):
        with self.lock:
            return [entry[2] for entry in self.heap]

    def delete_pending(self, ids):
        with self.lock:
            kept = [e for e in self.heap if e[2]["id"] not in ids]
            removed = len(kept) != len(self.heap)
            self.heap = kept
            heapq.heapify(self.heap)
        self.status()
        return removed

    def worker(self):
        while True:
            with self.lock:
                while not self.heap:
                    self.cond.wait()
                _, _, item = heapq.heappop(self.heap)
                self.running = item
                self.interrupt_flag = False
                generation = self.generation
            try:
                self.execute(item, generation)
            except Exception as e:  # a bug here must not kill the worker
                sys.stderr.write("fake-comfyui: %r\n" % (e,))
            with self.lock:
                if self.running is item:
                    self.running = None
                self.last_node_id = None
            self.status()

    # execution
    def message(self, item, kind, data, messages):
        data = dict(data)
        data["prompt_id"] = item["id"]
        data.setdefault("timestamp", now_ms())
        if kind in ("execution_start", "execution_cached", "execution_success", "execution_error",
                    "execution_interrupted"):
            messages.append([kind, data])
        # Without a client id these go nowhere (except interrupted: to all)
        if item["client_id"] is None:
            if kind == "execution_interrupted":
                self.broadcast(kind, data)
            return
        self.send(item["client_id"], kind, data)

    def order(self, prompt, outputs):
        seen, order = set(), []

        def visit(node_id):
            if node_id in seen:
                return
            seen.add(node_id)
            for value in prompt[node_id]["inputs"].values():
                if is_link(value) and value[0] in prompt:
                    visit(value[0])
            order.append(node_id)
        for out in sorted(outputs):
            visit(out)
        return order

    def lost(self, generation):
        with self.lock:
            return generation != self.generation

    def execute(self, item, generation):
        prompt = item["prompt"]
        messages = []
        cid = item["client_id"]
        with self.lock:
            self.client_id = cid
        if item.get("foreign"):
            time.sleep(self.get("foreign_ms", 300) / 1000.0)
            end = time.time() + 60
            while (self.get("await_queue_seen") and not self.get("queue_seen") and time.time() < end
                   and not self.lost(generation)
                   and any(not p.get("foreign") for p in self.pending())):
                time.sleep(0.01)
            self.task_done(item, {}, "success", True, messages, generation)
            return
        self.message(item, "execution_start", {}, messages)
        self.message(item, "execution_cached", {"nodes": []}, messages)
        order = self.order(prompt, item["outputs"])
        samplers = [n for n in order if prompt[n]["class_type"] in SAMPLER_CLASSES]
        oom = self.get("oom_at")
        if oom is not None and "node" not in oom and samplers:
            oom = dict(oom, node=samplers[-1])
        executed, outputs = [], {}
        preview_method = (item["extra_data"] or {}).get("preview_method")
        for node_id in order:
            klass = prompt[node_id]["class_type"]
            with self.lock:
                self.last_node_id = node_id
            self.message(item, "executing", {"node": node_id, "display_node": node_id}, messages)
            if klass in SAMPLER_CLASSES:
                steps = self.steps_of(prompt[node_id]["inputs"])
                for step in range(1, steps + 1):
                    time.sleep(self.get("step_ms", 25) / 1000.0)
                    if self.lost(generation):
                        return
                    if self.interrupted(item):
                        self.message(item, "execution_interrupted",
                                     {"node_id": node_id, "node_type": klass, "executed": executed}, messages)
                        self.task_done(item, outputs, "error", False, messages, generation)
                        return
                    if oom is not None and oom.get("node") == node_id and oom.get("step", 1) == step:
                        self.message(item, "execution_error", {
                            "node_id": node_id, "node_type": klass, "executed": executed,
                            "exception_message": OOM_MESSAGE, "exception_type": "torch.OutOfMemoryError",
                            "traceback": ["  File \"execution.py\", line 496, in execute\n"],
                            "current_inputs": {}, "current_outputs": {}}, messages)
                        self.task_done(item, outputs, "error", False, messages, generation)
                        return
                    progress = {"value": step, "max": steps, "prompt_id": item["id"], "node": node_id}
                    # progress and previews also reach sockets of no client
                    self.send(cid, "progress", progress)
                    if preview_method not in (None, "none") and self.get("previews", True):
                        self.send_binary(cid, self.preview_frame(step, steps))
                    if step == 1 and self.get("await_pass_seen"):
                        self.await_pass_seen(item, samplers.index(node_id) + 1, generation)
                    self.scenario_step(item, node_id, step, samplers, generation)
                    if self.lost(generation):
                        return
            else:
                time.sleep(self.get("load_ms", 5) / 1000.0)
                if self.lost(generation):
                    return
                if self.interrupted(item):
                    self.message(item, "execution_interrupted",
                                 {"node_id": node_id, "node_type": klass, "executed": executed}, messages)
                    self.task_done(item, outputs, "error", False, messages, generation)
                    return
            executed.append(node_id)
            if node_id in item["outputs"]:
                ui = self.save_output(prompt[node_id])
                if ui is not None:
                    outputs[node_id] = ui
                    self.message(item, "executed", {"node": node_id, "display_node": node_id, "output": ui},
                                 messages)
        self.message(item, "execution_success", {}, messages)
        time.sleep(0.03)   # the history is written after execution_success
        self.task_done(item, outputs, "success", True, messages, generation)

    def await_pass_seen(self, item, n, generation):
        end = time.time() + 60
        while (int(self.get("pass_seen", 0)) < n and time.time() < end
               and not self.lost(generation) and not self.interrupted(item)):
            time.sleep(0.01)

    def steps_of(self, inputs):
        steps = int(inputs.get("steps", 20))
        if "start_at_step" in inputs:
            start = int(inputs.get("start_at_step", 0))
            end = min(int(inputs.get("end_at_step", steps)), steps)
            return max(1, end - start)
        return steps

    def interrupted(self, item):
        with self.lock:
            return self.interrupt_flag and self.running is item

    def scenario_step(self, item, node_id, step, samplers, generation):
        first = samplers and node_id == samplers[0]
        at = self.get("interrupt_at")
        if at is not None and first and at.get("step") == step:
            with self.lock:
                self.interrupt_flag = True
        if first and self.get("drop_socket_at") == step:
            with self.lock:
                ws = self.sockets.get(item["client_id"])
                connections = self.server.state.counters.get("ws_connections", 0)
            if ws is not None:
                ws.cut()
                deadline = time.monotonic() + 120
                while self.get("await_reconnect") and time.monotonic() < deadline:
                    with self.lock:
                        if self.server.state.counters.get("ws_connections", 0) > connections:
                            break
                    time.sleep(0.01)
        if first and self.get("restart_at") == step:
            self.restart()

    def restart(self):
        with self.lock:
            self.generation += 1
            self.heap = []
            self.running = None
            self.history = {}
            self.history_order = []
            socks = list(self.sockets.values())
            self.sockets = {}
        for ws in socks:
            ws.cut()

    def preview_frame(self, step, steps):
        if self.get("preview_format") == "jpeg" and self.get("preview_jpeg_path"):
            with open(self.get("preview_jpeg_path"), "rb") as fh:
                return struct.pack(">II", 1, 1) + fh.read()
        return struct.pack(">II", 1, 2) + png_bytes(104, 60, step / max(1, steps))

    def save_output(self, node):
        klass = node["class_type"]
        inputs = node["inputs"]
        with self.lock:
            self.output_counter += 1
            counter = self.output_counter
        prefix = inputs.get("filename_prefix", "ComfyUI")
        subfolder, _, base = prefix.rpartition("/")
        form = self.get("output_form", "auto")
        if form == "none":
            # A success that saved nothing: the history's outputs stay {}
            return None
        ext = ".mp4"
        if form == "animated_webp":
            ext = ".webp"
        if klass == "SaveWEBM":
            ext = ".webm"
        name = "%s_%05d_%s" % (base, counter, ext)
        if self.get("hostile_filename"):
            name = self.get("hostile_filename")
        if self.get("hostile_subfolder") is not None:
            subfolder = self.get("hostile_subfolder")
        data = b""
        if self.get("video_path"):
            with open(self.get("video_path"), "rb") as fh:
                data = fh.read()
        with self.lock:
            self.outputs[("output", subfolder, name)] = data
        item = {"filename": name, "subfolder": subfolder, "type": "output"}
        if form == "videos":
            return {"videos": [item]}
        if form == "still":
            return {"images": [item]}
        if klass == "VHS_VideoCombine" and form == "auto":
            fmt = inputs.get("format", "video/h264-mp4")
            return {"gifs": [dict(item, format=fmt, frame_rate=inputs.get("frame_rate", 8),
                                  workflow=base + ".png", fullpath="/comfy/output/" + name)]}
        return {"images": [item], "animated": [True]}

    def task_done(self, item, outputs, status_str, completed, messages, generation):
        with self.lock:
            if generation != self.generation:
                return
            if self.running is item:
                self.running = None
            self.history[item["id"]] = {
                "prompt": [item["number"], item["id"], item["prompt"], item["extra_data"], item["outputs"]],
                "outputs": outputs,
                "meta": {n: {"node_id": n, "display_node": n, "parent_node": None, "real_node_id": n} for n in outputs},
                "status": {"status_str": status_str, "completed": completed, "messages": messages},
            }
            self.history_order.append(item["id"])
            while len(self.history_order) > 10000:
                self.history.pop(self.history_order.pop(0), None)
        if item["client_id"] is not None:
            self.send(item["client_id"], "executing", {"node": None, "prompt_id": item["id"]})


def is_link(value):
    return (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int) and not isinstance(value[1], bool))


# --- validation (execution.validate_prompt) --------------------------------

class Validation:
    def __init__(self, comfy, prompt):
        self.comfy = comfy
        self.prompt = prompt
        self.installed = comfy.installed()
        self.results = {}     # node id -> list of errors
        self.specs = {}

    def spec(self, klass):
        if klass not in self.specs:
            self.specs[klass] = self.comfy.object_info(klass)
        return self.specs[klass]

    def error(self, kind, message, details, input_name=None, config=None, value=None):
        extra = {}
        if input_name is not None:
            extra["input_name"] = input_name
            extra["input_config"] = config
            if value is not None:
                extra["received_value"] = value
        return {"type": kind, "message": message, "details": details, "extra_info": extra}

    def validate(self, node_id, stack=()):
        if node_id in self.results:
            return not self.results[node_id]
        if node_id in stack:
            self.results[node_id] = [self.error("dependency_cycle", "Dependency cycle detected", node_id)]
            return False
        node = self.prompt[node_id]
        spec = self.spec(node["class_type"])
        inputs = node.get("inputs", {})
        errors = []
        valid = True
        groups = [("required", True), ("optional", False)]
        for group, required in groups:
            for name, config in spec["input"].get(group, {}).items():
                if name not in inputs:
                    if required:
                        errors.append(self.error("required_input_missing", "Required input is missing", name,
                                                 name, config))
                    continue
                value = inputs[name]
                kind = config[0]
                opts = config[1] if len(config) > 1 else {}
                if is_link(value):
                    src, idx = value
                    if src not in self.prompt:
                        errors.append(self.error("bad_linked_input", "Bad linked input, must be a length-2 list of [string, int]",
                                                 name, name, config))
                        continue
                    src_spec = self.spec(self.prompt[src]["class_type"])
                    if idx < 0 or idx >= len(src_spec["output"]):
                        errors.append(self.error("bad_linked_input", "Bad linked input", name, name, config))
                        continue
                    received = src_spec["output"][idx]
                    wanted = kind if isinstance(kind, str) else "COMBO"
                    if wanted != "*" and received != wanted:
                        errors.append(self.error("return_type_mismatch", "Return type mismatch between linked nodes",
                                                 "%s, received_type(%s) mismatch input_type(%s)" % (name, received, wanted),
                                                 name, config))
                        continue
                    if not self.validate(src, stack + (node_id,)):
                        valid = False
                    continue
                if isinstance(value, list) and not is_link(value):
                    errors.append(self.error("bad_linked_input", "Bad linked input, must be a length-2 list of [string, int]",
                                             name, name, config))
                    continue
                try:
                    if kind == "INT":
                        if isinstance(value, bool):
                            raise ValueError
                        value = int(value)
                    elif kind == "FLOAT":
                        if isinstance(value, bool):
                            raise ValueError
                        value = float(value)
                    elif kind == "STRING":
                        value = str(value)
                    elif kind == "BOOLEAN":
                        value = bool(value)
                except (TypeError, ValueError):
                    errors.append(self.error("invalid_input_type", "Failed to convert an input value to a %s value" % kind,
                                             "%s, %r" % (name, value), name, config, value))
                    continue
                if kind in ("INT", "FLOAT"):
                    if "min" in opts and value < opts["min"]:
                        errors.append(self.error("value_smaller_than_min", "Value %s smaller than min of %s" % (value, opts["min"]),
                                                 "%s" % name, name, config, value))
                        continue
                    if "max" in opts and value > opts["max"]:
                        errors.append(self.error("value_bigger_than_max", "Value %s bigger than max of %s" % (value, opts["max"]),
                                                 "%s" % name, name, config, value))
                        continue
                if isinstance(kind, list):
                    if value not in kind:
                        shown = kind if len(kind) <= 20 else "(list of length %d)" % len(kind)
                        errors.append(self.error("value_not_in_list", "Value not in list",
                                                 "%s: '%s' not in %s" % (name, value, shown), name, config, value))
                        continue
        if errors:
            self.results[node_id] = errors
            return False
        self.results[node_id] = []
        return valid

    def run(self):
        outputs = [n for n in sorted(self.prompt) if self.installed[self.prompt[n]["class_type"]].get("output_node")]
        good, bad = [], {}
        for out in outputs:
            if self.validate(out):
                good.append(out)
            else:
                bad[out] = True
        node_errors = {}
        for node_id, errors in self.results.items():
            if errors:
                node_errors[node_id] = {"errors": errors, "dependent_outputs": sorted(bad),
                                        "class_type": self.prompt[node_id]["class_type"]}
        return outputs, good, node_errors


# --- HTTP ------------------------------------------------------------------

def parse_multipart(content_type, body):
    if not content_type or "boundary=" not in content_type:
        return None
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
    parts = {}
    for chunk in body.split(b"--" + boundary):
        if not chunk or chunk in (b"--", b"--\r\n"):
            continue
        head, sep, data = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            continue
        if data.endswith(b"\r\n"):
            data = data[:-2]
        disposition = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if line.lower().startswith("content-disposition:"):
                for field in line.split(";")[1:]:
                    k, _, v = field.strip().partition("=")
                    disposition[k] = v.strip('"')
        if "name" in disposition:
            parts[disposition["name"]] = (disposition.get("filename"), data)
    return parts


class Handler(fakelib.FakeHandler):
    @property
    def comfy(self):
        return self.server.comfy

    def stalls(self, path):
        """Whether this request to path is one the scenario stalls (counted)."""
        state = self.comfy.server.state
        for prefix, n in sorted((self.comfy.get("stall") or {}).items()):
            if not path.startswith(prefix):
                continue
            with state.lock:
                done = state.counters.get("stalled " + prefix, 0)
                if n is not None and 0 <= n <= done:
                    return False
                state.counters["stalled " + prefix] = done + 1
            self.entry["info"] = dict(self.entry.get("info") or {}, stalled=True)
            return True
        return False

    def stall(self):
        """Answers nothing, the connection held open until the client
        closes it (or the fake stops)."""
        end = time.time() + self.server.lifetime
        while time.time() < end and not self.server.stopping:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        break
                except OSError:
                    break
        self.close_connection = True

    def route(self, method, path, query, body):
        if path.startswith("/api/") and not path.startswith("/api/jobs"):
            path = path[4:]
        c = self.comfy
        old = c.get("old_server", False)

        # A stuck server: read, then nothing (a submit queues first)
        if path != "/ws" and not (path == "/prompt" and method == "POST" and not c.get("stall_unqueued")) \
                and self.stalls(path):
            self.stall()
            return

        if path == "/ws" and method == "GET":
            self.websocket(query)
        elif path == "/system_stats":
            self.send_json(200, {
                "system": {"os": "posix", "ram_total": 64 << 30, "ram_free": 40 << 30,
                           "comfyui_version": "0.3.43" if old else "0.3.60", "required_frontend_version": "1.26.0",
                           "python_version": "3.12.3", "pytorch_version": "2.8.0+cu128", "embedded_python": False,
                           "argv": ["main.py", "--listen", "127.0.0.1"]},
                "devices": [{"name": "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync", "type": "cuda", "index": 0,
                             "vram_total": 25757220864, "vram_free": 20132659200,
                             "torch_vram_total": 0, "torch_vram_free": 0}]})
        elif path == "/object_info":
            self.send_json(200, {k: c.object_info(k) for k in c.installed()})
        elif path.startswith("/object_info/"):
            klass = fakelib._unquote(path[len("/object_info/"):])
            self.send_json(200, {klass: c.object_info(klass)} if klass in c.installed() else {})
        elif path == "/models":
            self.send_json(200, sorted(MODEL_FILES))
        elif path.startswith("/models/"):
            folder = path[len("/models/"):]
            if folder not in MODEL_FILES:
                self.send_bytes(404, b"404: Not Found", "text/plain")
            else:
                self.send_json(200, c.folder(folder))
        elif path == "/upload/image" and method == "POST":
            self.upload(body)
        elif path == "/prompt" and method == "POST":
            self.post_prompt(body, old)
        elif path == "/prompt":
            self.send_json(200, {"exec_info": {"queue_remaining": c.queue_remaining()}})
        elif path.startswith("/history"):
            self.history(method, path, query, body)
        elif path == "/queue" and method == "GET":
            with c.lock:
                running = [self.queue_item(c.running)] if c.running else []
            self.send_json(200, {"queue_running": running,
                                 "queue_pending": [self.queue_item(i) for i in c.pending()]})
        elif path == "/queue" and method == "POST":
            req = json.loads(body or b"{}")
            if req.get("clear"):
                with c.lock:
                    c.heap = []
            if "delete" in req:
                c.delete_pending(set(req["delete"]))
            self.send_bytes(200, b"", "text/plain")
        elif path == "/interrupt" and method == "POST":
            req = json.loads(body or b"{}") if body else {}
            with c.lock:
                running = c.running
                if running is not None and (old or "prompt_id" not in req or req["prompt_id"] == running["id"]):
                    c.interrupt_flag = True
            self.send_bytes(200, b"", "text/plain")
        elif path.startswith("/api/jobs/") and not old:
            self.jobs(method, path)
        elif path == "/view":
            self.view(query)
        else:
            self.send_bytes(404, b"404: Not Found", "text/plain")

    def queue_item(self, item):
        return [item["number"], item["id"], item["prompt"], item["extra_data"], item["outputs"]]

    # websocket
    def websocket(self, query):
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            self.send_bytes(400, b"not a websocket", "text/plain")
            return
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        c = self.comfy
        sid = query.get("clientId") or uuid.uuid4().hex
        ws = WebSocket(self, sid)
        with c.lock:
            c.sockets.pop(sid, None)
            c.sockets[sid] = ws
            c.server.state.counters["ws_connections"] = c.server.state.counters.get("ws_connections", 0) + 1
            last = c.last_node_id if c.client_id == sid else None
        ws.send_json("status", {"status": {"exec_info": {"queue_remaining": c.queue_remaining()}}, "sid": sid})
        if last is not None:
            ws.send_json("executing", {"node": last})
        try:
            ws.read_frames()
        except (OSError, struct.error):
            pass
        finally:
            # As the real server: pops whatever is registered under the id
            with c.lock:
                c.sockets.pop(sid, None)

    def upload(self, body):
        parts = parse_multipart(self.headers.get("Content-Type"), body)
        if not parts or "image" not in parts or not parts["image"][0]:
            self.send_bytes(400, b"", "text/plain")
            return
        filename, data = parts["image"]
        subfolder = parts.get("subfolder", (None, b""))[1].decode()
        kind = parts.get("type", (None, b"input"))[1].decode() or "input"
        overwrite = parts.get("overwrite", (None, b""))[1].decode() in ("true", "1")
        norm = os.path.normpath(os.path.join("/in", subfolder, filename))
        if not norm.startswith("/in/") or "/" in filename:
            self.send_bytes(400, b"", "text/plain")
            return
        c = self.comfy
        name = filename
        root, ext = os.path.splitext(filename)
        with c.lock:
            if not overwrite:
                i = 1
                while (subfolder, name) in c.inputs:
                    if hashlib.sha256(c.inputs[(subfolder, name)]).digest() == hashlib.sha256(data).digest():
                        break
                    name = "%s (%d)%s" % (root, i, ext)
                    i += 1
            c.inputs[(subfolder, name)] = data
            # What pre-flight saw is gone by the time the prompt comes
            vanish = c.get("vanish_on_upload") or {}
            for key, what in (("models_missing", "models"), ("nodes_missing", "nodes")):
                if vanish.get(what):
                    gone = sorted(set(c.get(key) or []) | set(vanish[what]))
                    with c.server.state.lock:
                        c.server.state.script[key] = gone
        self.entry["info"] = {"name": name, "bytes": len(data), "image": list(fakelib.image_info(data))}
        end = time.time() + 60
        while c.get("await_upload_seen") and not c.get("upload_seen") and time.time() < end:
            time.sleep(0.01)
        self.send_json(200, {"name": name, "subfolder": subfolder, "type": kind})

    def post_prompt(self, body, old):
        c = self.comfy
        try:
            req = json.loads(body)
        except ValueError:
            self.send_json(400, {"error": {"type": "invalid_prompt", "message": "invalid json", "details": "",
                                           "extra_info": {}}, "node_errors": {}})
            return
        prompt = req.get("prompt")
        if not isinstance(prompt, dict):
            self.send_json(400, {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                                           "extra_info": {}}, "node_errors": {}})
            return
        prompt_id = req.get("prompt_id")
        if old or prompt_id is None:
            prompt_id = str(uuid.uuid4())
        else:
            try:
                if str(uuid.UUID(prompt_id)) != prompt_id:
                    raise ValueError
            except (ValueError, AttributeError, TypeError):
                self.send_json(400, {"error": {"type": "invalid_prompt_id", "message": "Invalid prompt_id format",
                                               "details": "prompt_id must be a valid UUID", "extra_info": {}},
                                     "node_errors": {}})
                return
        installed = c.installed()
        for node_id, node in prompt.items():
            if not isinstance(node, dict) or "class_type" not in node:
                self.send_json(400, {"error": {"type": "invalid_prompt",
                                               "message": "Cannot execute because a node is missing the class_type property.",
                                               "details": "Node ID '#%s'" % node_id, "extra_info": {}}, "node_errors": {}})
                return
            if node["class_type"] not in installed:
                klass = node["class_type"]
                title = (node.get("_meta") or {}).get("title", klass)
                if old:
                    error = {"type": "invalid_prompt",
                             "message": "Cannot execute because node %s does not exist." % klass,
                             "details": "Node ID '#%s'" % node_id, "extra_info": {}}
                else:
                    error = {"type": "missing_node_type",
                             "message": "Node '%s' not found. The custom node may not be installed." % title,
                             "details": "Node ID '#%s'" % node_id,
                             "extra_info": {"node_id": node_id, "class_type": klass, "node_title": title}}
                self.send_json(400, {"error": error, "node_errors": {}})
                return
        outputs, good, node_errors = Validation(c, prompt).run()
        if not outputs:
            self.send_json(400, {"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs",
                                           "details": "", "extra_info": {}}, "node_errors": {}})
            return
        if not good:
            lines = []
            for node_id, entry in node_errors.items():
                for e in entry["errors"]:
                    lines.append("%s: %s" % (e["message"], e["details"]))
            self.send_json(400, {"error": {"type": "prompt_outputs_failed_validation",
                                           "message": "Prompt outputs failed validation",
                                           "details": "\n".join(lines), "extra_info": {}},
                                 "node_errors": node_errors})
            return
        extra = dict(req.get("extra_data") or {})
        client_id = req.get("client_id")
        if client_id is not None:
            extra["client_id"] = client_id
        extra["create_time"] = now_ms()
        self.entry["info"] = {"prompt_id": prompt_id, "valid_outputs": good}
        foreign = c.get("foreign_prompts", 0)
        if foreign and not c.server.state.counters.get("foreign_queued"):
            c.server.state.counters["foreign_queued"] = 1
            for i in range(foreign):
                c.put({"id": str(uuid.uuid4()), "prompt": {}, "extra_data": {}, "outputs": [], "client_id": "someone-else",
                       "foreign": True})
        number = c.put({"id": prompt_id, "prompt": prompt, "extra_data": extra, "outputs": good,
                        "client_id": client_id}, front=bool(req.get("front")))
        if c.get("submit_drop"):
            self.close_without_answer()
            return
        if self.stalls("/prompt"):
            self.stall()
            return
        if c.get("submit_500"):
            self.send_bytes(500, b"500 Internal Server Error", "text/plain")
            return
        self.send_json(200, {"prompt_id": prompt_id, "number": number, "node_errors": node_errors})

    def history(self, method, path, query, body):
        c = self.comfy
        if method == "POST":
            req = json.loads(body or b"{}")
            with c.lock:
                if req.get("clear"):
                    c.history = {}
                for pid in req.get("delete", []):
                    c.history.pop(pid, None)
            self.send_bytes(200, b"", "text/plain")
            return
        with c.lock:
            if path.startswith("/history/"):
                pid = fakelib._unquote(path[len("/history/"):])
                data = {pid: c.history[pid]} if pid in c.history else {}
            else:
                data = dict(c.history)
        self.send_json(200, data)

    def jobs(self, method, path):
        c = self.comfy
        rest = path[len("/api/jobs/"):]
        job_id, _, action = rest.partition("/")
        if method == "POST" and action == "cancel":
            with c.lock:
                running = c.running
                if running is not None and running["id"] == job_id:
                    c.interrupt_flag = True
                    self.send_json(200, {"cancelled": True})
                    return
            removed = c.delete_pending({job_id})
            self.send_json(200, {"cancelled": removed})
            return
        if method == "GET" and not action:
            with c.lock:
                if c.running is not None and c.running["id"] == job_id:
                    status = "in_progress"
                elif any(i["id"] == job_id for i in c.pending()):
                    status = "pending"
                elif job_id in c.history:
                    h = c.history[job_id]["status"]
                    status = "completed" if h["status_str"] == "success" else "failed"
                else:
                    self.send_json(404, {"error": "Job not found"})
                    return
            self.send_json(200, {"id": job_id, "status": status})
            return
        self.send_bytes(404, b"404: Not Found", "text/plain")

    def view(self, query):
        c = self.comfy
        filename = query.get("filename")
        if filename is None:
            self.send_bytes(404, b"", "text/plain")
            return
        if filename.startswith("/") or ".." in filename:
            self.send_bytes(400, b"", "text/plain")
            return
        kind = query.get("type", "output")
        subfolder = query.get("subfolder", "")
        if os.path.normpath(os.path.join("/out", subfolder)).startswith("/out") is False or ".." in subfolder.split("/"):
            self.send_bytes(403, b"", "text/plain")
            return
        with c.lock:
            data = c.outputs.get((kind, subfolder, os.path.basename(filename)))
        if data is None:
            self.send_bytes(404, b"", "text/plain")
            return
        if c.get("stall_view_once"):
            state = c.server.state
            with state.lock:
                first = not state.counters.get("view_stalled")
                state.counters["view_stalled"] = 1
            if first:
                self.serve_range(data, "video/mp4", cut=len(data) // 2, stall=True)
                return
        self.serve_range(data, "video/mp4")


class Server(fakelib.FakeServer):
    def __init__(self, handler, verbose=False, lifetime=600, host="127.0.0.1"):
        super().__init__(handler, verbose, lifetime, host)
        self.comfy = Comfy(self)


if __name__ == "__main__":
    fakelib.FakeServer = Server
    fakelib.run(Handler, "A loopback ComfyUI server")
