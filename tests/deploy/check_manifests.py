#!/usr/bin/python3
"""Checks deploy/ against the server that is really built.

usage: check_manifests.py SOURCE_DIR BUILD_DIR

- every YAML document under deploy/kubernetes parses and has apiVersion/kind;
- every flag in a Deployment's args (base and overlay patches), the systemd
  unit's ExecStart and the Dockerfile's ENTRYPOINT/CMD is one that
  `dystonia-server --helpfull` lists;
- the base Deployment's liveness/readiness probes are gRPC probes on the
  gRPC container port (the port of --listen);
- every Secret/ConfigMap a volume names is defined under deploy/kubernetes,
  every volumeMount names a volume, and file flags point into a mount;
- terminationGracePeriodSeconds and TimeoutStopSec exceed the preStop sleep
  plus --shutdown_grace_seconds;
- Service, HPA and PDB point at the Deployment and its pod labels;
- the Dockerfile builds with deploy/build.sh on debian:bookworm and its
  runtime stage installs the package of every library ldd lists;
- every listener beyond loopback (Deployments, StatefulSets, the systemd
  unit, the Dockerfile) has TLS or an explicit --allow_plaintext with a
  comment saying why; no --reflection; secret volumes grant others nothing;
- the base holds a default-deny NetworkPolicy (Ingress and Egress, no rules)
  for the Deployment's pods; every NetworkPolicy rule names its peers and
  ports, and ingress ports are container ports.
Optional: `systemd-analyze verify` and `kubectl kustomize` when present.
"""
import glob
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import yaml

SOURCE, BUILD = sys.argv[1], sys.argv[2]
SERVER = os.path.join(BUILD, "service", "server", "dystonia-server")
DEPLOY = os.path.join(SOURCE, "deploy")
K8S = os.path.join(DEPLOY, "kubernetes")
FILE_FLAGS = ("tokens_file", "tls_cert", "tls_key", "tls_client_ca",
              "knowledge_dir", "cds_jwks_file", "follow_token_file",
              "follow_tls_ca")
errors = []


def fail(where, message):
    errors.append(f"{os.path.relpath(where, SOURCE)}: {message}")


# --- the flags the server really has ----------------------------------------
if not os.access(SERVER, os.X_OK):
    sys.exit(f"FAIL: {SERVER} is not built (build the dystonia-server target)")
helpfull = subprocess.run([SERVER, "--helpfull"], capture_output=True,
                          text=True, timeout=60)
help_text = helpfull.stdout + helpfull.stderr
server_section = help_text.split("service/server/main.cc:", 1)
if len(server_section) != 2:
    sys.exit("FAIL: --helpfull lists no flags from service/server/main.cc")
FLAGS = {}  # name -> default text
for match in re.finditer(r"^\s+--(\w+) \(.*?\);\s+default: ([^;]*);",
                         server_section[1], re.M | re.S):
    FLAGS[match.group(1)] = match.group(2).strip().strip('"')
if "listen" not in FLAGS or "shutdown_grace_seconds" not in FLAGS:
    sys.exit("FAIL: cannot read the server's flags from --helpfull:\n" +
             help_text)


def parse_flags(where, tokens):
    """Returns {flag: value} for the --flags in tokens; reports unknown ones."""
    values = {}
    tokens = list(tokens)
    i = 0
    while i < len(tokens):
        token = str(tokens[i])
        i += 1
        if not token.startswith("-"):
            continue
        name, eq, value = token.lstrip("-").partition("=")
        known = name if name in FLAGS else (
            name[2:] if name.startswith("no") and FLAGS.get(name[2:]) in
            ("true", "false") else None)
        if known is None:
            fail(where, f"flag --{name} is not a dystonia-server flag "
                 f"(--helpfull lists: {', '.join(sorted(FLAGS))})")
            continue
        if not eq and FLAGS[known] not in ("true", "false"):
            if i < len(tokens):
                value = str(tokens[i])
                i += 1
            else:
                fail(where, f"flag --{name} has no value")
        values[known] = value
    return values


def is_loopback(listen):
    """Loopback decided on the parsed host, as the server decides it."""
    host = listen.rsplit(":", 1)[0].strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a DNS name, "" (all interfaces), 0.0.0.0 ...
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return address.is_loopback


def check_exposure(where, values, text):
    """TLS or an explained --allow_plaintext beyond loopback; no reflection."""
    listeners = {flag: values.get(flag, FLAGS.get(flag, ""))
                 for flag in ("listen", "http_listen", "admin_listen")}
    open_flags = [f"--{flag}={value}" for flag, value in listeners.items()
                  if value and not is_loopback(value)]
    tls = values.get("tls_cert") and values.get("tls_key")
    plaintext = values.get("allow_plaintext", "false") in ("", "true")
    if open_flags and not tls and not plaintext:
        fail(where, f"{', '.join(open_flags)} beyond loopback without TLS: "
             "give --tls_cert/--tls_key or --allow_plaintext (the server "
             "refuses to start)")
    if plaintext and not re.search(r"#.*\bplaintext\b", text, re.I):
        fail(where, "--allow_plaintext needs a comment saying why plaintext "
             "is acceptable here")
    if values.get("reflection", "false") in ("", "true"):
        fail(where, "--reflection exposes every service's schema, the admin "
             "one included; leave it off in deployments")


def grace(values):
    try:
        return int(values.get("shutdown_grace_seconds",
                              FLAGS["shutdown_grace_seconds"]))
    except ValueError:
        return 0


# --- YAML --------------------------------------------------------------------
docs = []  # (path, doc)
yaml_files = sorted(glob.glob(os.path.join(K8S, "**", "*.yaml"), recursive=True)
                    + glob.glob(os.path.join(K8S, "**", "*.yml"), recursive=True))
if not yaml_files:
    fail(K8S, "no YAML files")
for path in yaml_files:
    try:
        with open(path) as f:
            loaded = [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as e:
        fail(path, f"does not parse: {e}")
        continue
    if not loaded:
        fail(path, "holds no YAML document")
    for doc in loaded:
        if not isinstance(doc, dict) or not doc.get("apiVersion") or \
                not doc.get("kind"):
            fail(path, "a document without apiVersion and kind")
            continue
        docs.append((path, doc))


def defined(kind, name):
    return any(d["kind"] == kind and d.get("metadata", {}).get("name") == name
               for _, d in docs)


def keys_of(kind, name):
    for _, d in docs:
        if d["kind"] == kind and d.get("metadata", {}).get("name") == name:
            return set(d.get("data") or {}) | set(d.get("stringData") or {})
    return set()


base_path = os.path.join(K8S, "base", "deployment.yaml")
# Deployments and StatefulSets (the replicated overlay's writer) get the same
# checks of flags, mounts and grace periods.
deployments = [(p, d) for p, d in docs
               if d["kind"] in ("Deployment", "StatefulSet")]
base = [d for p, d in deployments if p == base_path]
if len(base) != 1:
    fail(base_path, "must hold exactly one Deployment")
    base = {}
else:
    base = base[0]
base_spec = base.get("spec", {}).get("template", {}).get("spec", {})
base_volumes = {v["name"]: v for v in base_spec.get("volumes", [])}
base_containers = {c["name"]: c for c in base_spec.get("containers", [])}
dockerfile_paths = set()

for path, dep in deployments:
    pod = dep.get("spec", {}).get("template", {}).get("spec", {})
    volumes = dict(base_volumes) if dep["kind"] == "Deployment" else {}
    volumes.update({v["name"]: v for v in pod.get("volumes", [])})
    volumes.update({t["metadata"]["name"]: {"persistentVolumeClaim": {}}
                    for t in dep.get("spec", {}).get("volumeClaimTemplates", [])})
    for v in pod.get("volumes", []):
        mode = v.get("secret", {}).get("defaultMode", 0o644)
        if "secret" in v and mode & 0o027:
            fail(path, f"volume {v['name']}: defaultMode {mode:04o} lets "
                 "others (or the group write) at a secret; the server "
                 "refuses such key and token files (use 0440 with fsGroup)")
        if "secret" in v and mode & 0o040 and \
                pod.get("securityContext", {}).get("fsGroup") != \
                pod.get("securityContext", {}).get("runAsGroup"):
            fail(path, f"volume {v['name']}: a group-readable secret needs "
                 "fsGroup = runAsGroup (the server's own group)")
        if "secret" in v and not defined("Secret", v["secret"].get("secretName")):
            fail(path, f"volume {v['name']}: Secret "
                 f"{v['secret'].get('secretName')!r} is defined in no manifest")
        if "configMap" in v and not defined("ConfigMap", v["configMap"].get("name")):
            fail(path, f"volume {v['name']}: ConfigMap "
                 f"{v['configMap'].get('name')!r} is defined in no manifest")
    for c in pod.get("containers", []):
        where = f"{path} (container {c.get('name')})"
        merged = dict(base_containers.get(c.get("name"), {}))
        merged.update(c)
        mounts = {m["mountPath"]: m for m in
                  base_containers.get(c.get("name"), {}).get("volumeMounts", [])}
        mounts.update({m["mountPath"]: m for m in c.get("volumeMounts", [])})
        for m in mounts.values():
            if m["name"] not in volumes:
                fail(path, f"volumeMount {m['name']!r} names no volume")
        if "command" in c:
            fail(path, "sets command: the image's ENTRYPOINT is the server")
        values = parse_flags(path, merged.get("args", []))
        with open(path) as f:
            check_exposure(where, values, f.read())
        for flag in FILE_FLAGS:
            target = values.get(flag)
            if not target:
                continue
            mount = next((m for mp, m in mounts.items()
                          if target == mp or target.startswith(mp.rstrip("/") + "/")), None)
            if mount is None:
                if flag == "knowledge_dir":
                    dockerfile_paths.add((path, target))
                else:
                    fail(path, f"--{flag}={target} is in no volumeMount")
                continue
            volume = volumes.get(mount["name"], {})
            key = os.path.relpath(target, mount["mountPath"])
            for kind, ref, field in (("Secret", "secret", "secretName"),
                                     ("ConfigMap", "configMap", "name")):
                if ref in volume and key != "." and "/" not in key:
                    keys = keys_of(kind, volume[ref].get(field))
                    if keys and key not in keys:
                        fail(path, f"--{flag}={target}: {kind} "
                             f"{volume[ref].get(field)} has no key {key!r}")
        if dep is base:
            listen = values.get("listen", FLAGS["listen"])
            grpc_port = int(listen.rsplit(":", 1)[1])
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
            if ports.get("grpc") != grpc_port:
                fail(path, f"container port 'grpc' is {ports.get('grpc')}, "
                     f"--listen says {grpc_port}")
            if "http_listen" in values:
                http_port = int(values["http_listen"].rsplit(":", 1)[1])
                if ports.get("http") != http_port:
                    fail(path, f"container port 'http' is {ports.get('http')},"
                         f" --http_listen says {http_port}")
            for probe in ("livenessProbe", "readinessProbe"):
                p = c.get(probe)
                if not p or "grpc" not in p:
                    fail(path, f"{probe} must be a native gRPC probe")
                elif p["grpc"].get("port") != grpc_port:
                    fail(path, f"{probe} probes port {p['grpc'].get('port')}, "
                         f"the gRPC port is {grpc_port}")
                elif p["grpc"].get("service") not in (None, "",
                                                      "dystonia.v1.RiskService"):
                    fail(path, f"{probe} asks for service {p['grpc']['service']!r}"
                         ", which the server's health service does not report")
        pre_stop = merged.get("lifecycle", {}).get("preStop", {})
        sleep = 0
        command = pre_stop.get("exec", {}).get("command", [])
        if command[:1] == ["sleep"] and len(command) == 2:
            sleep = int(command[1])
        sleep = max(sleep, int(pre_stop.get("sleep", {}).get("seconds", 0)))
        period = pod.get("terminationGracePeriodSeconds",
                         base_spec.get("terminationGracePeriodSeconds", 30))
        if period <= sleep + grace(values):
            fail(path, f"terminationGracePeriodSeconds {period} must exceed the "
                 f"preStop sleep ({sleep}) + --shutdown_grace_seconds "
                 f"({grace(values)})")

pod_labels = base.get("spec", {}).get("template", {}).get("metadata", {}).get(
    "labels", {})
if base.get("spec", {}).get("selector", {}).get("matchLabels", {}).items() - \
        pod_labels.items():
    fail(base_path, "selector does not match the pod labels")
container_ports = {p.get("name") for c in base_containers.values()
                   for p in c.get("ports", [])}
for path, d in docs:
    kind, spec = d["kind"], d.get("spec", {})
    if kind == "Service":
        workload_labels = [w.get("spec", {}).get("template", {}).get(
            "metadata", {}).get("labels", {}) for _, w in deployments]
        if not any(not (spec.get("selector") or {}).items() - labels.items()
                   for labels in workload_labels):
            fail(path, f"Service {d['metadata']['name']} selects no pod of a "
                 "Deployment or StatefulSet")
        for p in spec.get("ports", []):
            if isinstance(p.get("targetPort"), str) and \
                    p["targetPort"] not in container_ports:
                fail(path, f"targetPort {p['targetPort']} is no container port")
    if kind == "HorizontalPodAutoscaler":
        ref = spec.get("scaleTargetRef", {})
        if ref.get("kind") != "Deployment" or ref.get("name") != \
                base.get("metadata", {}).get("name"):
            fail(path, "scaleTargetRef is not the Deployment")
        if not all(c.get("resources", {}).get("requests", {}).get("cpu")
                   for c in base_containers.values()):
            fail(base_path, "CPU autoscaling needs resources.requests.cpu")
    if kind == "PodDisruptionBudget":
        if spec.get("selector", {}).get("matchLabels", {}).items() - \
                pod_labels.items():
            fail(path, "PodDisruptionBudget selects no pod of the Deployment")

# --- NetworkPolicy ------------------------------------------------------------
policies = [(p, d) for p, d in docs if d["kind"] == "NetworkPolicy"]
base_dir = os.path.dirname(base_path)
with open(os.path.join(base_dir, "kustomization.yaml")) as f:
    base_resources = yaml.safe_load(f).get("resources", [])
default_deny = [
    d for p, d in policies
    if os.path.dirname(p) == base_dir and os.path.basename(p) in base_resources
    and not (d["spec"].get("podSelector", {}).get("matchLabels", {}).items() -
             pod_labels.items())
    and {"Ingress", "Egress"} <= set(d["spec"].get("policyTypes", []))
    and not d["spec"].get("ingress") and not d["spec"].get("egress")]
if not default_deny:
    fail(base_dir, "no default-deny NetworkPolicy (policyTypes Ingress and "
         "Egress, no rules) selecting the Deployment's pods in the "
         "kustomization's resources")
port_names = container_ports | {p["containerPort"]
                                for c in base_containers.values()
                                for p in c.get("ports", [])}
for path, d in policies:
    name = d["metadata"]["name"]
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for rule in d["spec"].get(direction, []) or []:
            if not rule.get(peers):
                fail(path, f"NetworkPolicy {name}: an {direction} rule without "
                     f"'{peers}' is open to every peer")
            if not rule.get("ports"):
                fail(path, f"NetworkPolicy {name}: an {direction} rule without "
                     "ports opens every port")
            if direction == "ingress":
                for p in rule.get("ports") or []:
                    if p.get("port") not in port_names:
                        fail(path, f"NetworkPolicy {name}: ingress port "
                             f"{p.get('port')} is no container port")

if shutil.which("kubectl"):
    for k in sorted(glob.glob(os.path.join(K8S, "**", "kustomization.yaml"),
                              recursive=True)):
        run = subprocess.run(["kubectl", "kustomize", os.path.dirname(k)],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            fail(k, f"kubectl kustomize fails: {run.stderr.strip()}")

# --- systemd -----------------------------------------------------------------
unit_path = os.path.join(DEPLOY, "systemd", "dystonia-risk.service")
with open(unit_path) as f:
    unit_text = f.read()
unit = {}
for line in re.sub(r"\\\n", " ", unit_text).splitlines():
    if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
        key, _, value = line.partition("=")
        unit.setdefault(key.strip(), []).append(value.strip())
exec_start = shlex.split(unit.get("ExecStart", [""])[0])
if not exec_start or not exec_start[0].endswith("/dystonia-server"):
    fail(unit_path, "ExecStart does not run dystonia-server")
unit_values = parse_flags(unit_path, exec_start[1:])
check_exposure(unit_path, unit_values, unit_text)
for key in ("User", "StateDirectory", "ReadWritePaths", "NoNewPrivileges",
            "ProtectSystem", "Restart", "KillSignal", "TimeoutStopSec"):
    if key not in unit:
        fail(unit_path, f"no {key}=")
if unit.get("KillSignal") != ["SIGTERM"]:
    fail(unit_path, "KillSignal must be SIGTERM (the server's clean shutdown)")
try:
    stop = int(unit.get("TimeoutStopSec", ["0"])[-1].rstrip("s"))
except ValueError:
    stop = 0
if stop <= grace(unit_values):
    fail(unit_path, f"TimeoutStopSec {stop} must exceed --shutdown_grace_seconds"
         f" ({grace(unit_values)})")
db = unit_values.get("db_path", FLAGS["db_path"])
if not any(db.startswith(p.rstrip("/") + "/")
           for p in " ".join(unit.get("ReadWritePaths", [])).split()):
    fail(unit_path, f"--db_path {db} is not under ReadWritePaths")
if shutil.which("systemd-analyze"):
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "dystonia-risk.service")
        with open(copy, "w") as f:  # verify wants ExecStart's binary to exist
            f.write(unit_text.replace(exec_start[0], os.path.abspath(SERVER)))
        run = subprocess.run(["systemd-analyze", "verify", copy],
                             capture_output=True, text=True, timeout=60)
        problems = [l for l in (run.stdout + run.stderr).splitlines()
                    if "dystonia-risk.service" in l]
        if problems:
            fail(unit_path, "systemd-analyze verify:\n  " + "\n  ".join(problems))
else:
    print("note: no systemd-analyze here, unit syntax not verified")

# --- Dockerfile --------------------------------------------------------------
docker_path = os.path.join(DEPLOY, "Dockerfile")
with open(docker_path) as f:
    docker = re.sub(r"\\\n", " ", f.read())
instructions = [l.strip() for l in docker.splitlines()
                if l.strip() and not l.strip().startswith("#")]
froms = [l.split()[1] for l in instructions if l.upper().startswith("FROM ")]
if not froms or any(f != "debian:bookworm" for f in froms):
    fail(docker_path, f"every stage must be FROM debian:bookworm, not {froms}")
if not any(re.match(r"RUN bash deploy/build\.sh\b", l) for l in instructions):
    fail(docker_path, "does not build with `bash deploy/build.sh` (the set-up "
         "script CI uses)")


def exec_form(keyword):
    lines = [l for l in instructions if l.upper().startswith(keyword + " ")]
    if not lines:
        return None
    try:
        return json.loads(lines[-1][len(keyword):].strip())
    except ValueError:
        fail(docker_path, f"{keyword} is not in exec (JSON) form")
        return []


entrypoint, cmd = exec_form("ENTRYPOINT"), exec_form("CMD") or []
argv = (entrypoint or []) + cmd
if not argv or not argv[0].endswith("dystonia-server"):
    fail(docker_path, "ENTRYPOINT/CMD does not run dystonia-server")
docker_values = parse_flags(docker_path, argv[1:])
with open(docker_path) as f:
    check_exposure(docker_path, docker_values, f.read())
copies = [l.split()[-1] for l in instructions if l.upper().startswith("COPY ")]
for path, target in dockerfile_paths | {(docker_path,
                                         docker_values.get("knowledge_dir"))}:
    if target and target not in copies:
        fail(path, f"--knowledge_dir={target} is neither mounted nor copied into"
             " the image by deploy/Dockerfile")
runtime = instructions[max(i for i, l in enumerate(instructions)
                           if l.upper().startswith("FROM ")):] if froms else []
installed = set()
for l in runtime:
    m = re.search(r"apt-get install ([^&]*)", l)
    if m:
        installed |= {w for w in m.group(1).split() if not w.startswith("-")}
if len(froms) > 1 and shutil.which("ldd") and shutil.which("dpkg"):
    for binary in (SERVER, os.path.join(BUILD, "drug_db", "dystonia-kb")):
        if not os.path.exists(binary):
            continue
        libs = re.findall(r"=> (/\S+)", subprocess.run(
            ["ldd", binary], capture_output=True, text=True).stdout)
        for lib in libs:
            owner = None
            for candidate in (lib, os.path.realpath(lib)):
                for p in (candidate, "/usr" + candidate):
                    run = subprocess.run(["dpkg", "-S", p], capture_output=True,
                                         text=True)
                    if run.returncode == 0:
                        owner = run.stdout.split(":")[0]
                        break
                if owner:
                    break
            if owner and owner not in installed:
                fail(docker_path, f"{os.path.basename(binary)} loads {lib} from "
                     f"package {owner}, which the runtime stage does not install")

if errors:
    print("FAIL: deploy/ does not match the server:")
    for e in errors:
        print("  " + e)
    sys.exit(1)
print(f"ok: {len(docs)} Kubernetes documents in {len(yaml_files)} files, the "
      "systemd unit and the Dockerfile use only real flags "
      f"({len(FLAGS)} known)")
