#!/bin/bash
# Audit throughput: generates a synthetic prescription file (1 to 8
# medications each, a psychiatric-and-primary-care mix with brands, strengths,
# routes, active and new orders and about 1 % misspelt names), starts a local
# server and audits the file with dystonia-audit, client and server sharing
# the machine. Prints prescriptions per second and the peak memory (RSS) of
# the client and of the server.
#
#   bash bench/audit_load.sh [BUILD_DIR] [PRESCRIPTIONS] [-- extra dystonia-audit flags]
#
# Default 1,000,000 prescriptions (about 4.5 million rows, 250 MB of CSV).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
count=${2:-1000000}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
server_bin=$build/service/server/dystonia-server
audit_bin=$build/clients/audit/dystonia-audit
[ -x "$server_bin" ] && [ -x "$audit_bin" ] || { echo "audit_load.sh: build first" >&2; exit 2; }
work=${AUDIT_LOAD_DIR:-$(mktemp -d)}
mkdir -p "$work"
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

input=$work/prescriptions.csv
if [ ! -s "$input" ] || [ "$(head -1 "$work/count" 2>/dev/null)" != "$count" ]; then
  echo "generating $count prescriptions into $input" >&2
  awk -v n="$count" 'BEGIN {
    srand(20261127)
    split("haloperidol 5 mg|Haldol|risperidone 2 mg|Risperdal|olanzapine 10 mg|Zyprexa|quetiapine 100 mg|Seroquel XR|aripiprazole 10 mg|Abilify Maintena 400 mg|clozapine 100 mg|paliperidone|Invega Sustenna 156 mg|lurasidone 40 mg|fluphenazine decanoate|chlorpromazine 50 mg|metoclopramide 10 mg|Reglan|prochlorperazine 10 mg|promethazine 25 mg|ondansetron 4 mg|benztropine 1 mg|trihexyphenidyl 2 mg|diphenhydramine 25 mg|sertraline 50 mg|fluoxetine 20 mg|paroxetine 20 mg|Lexapro|bupropion XL 150 mg|trazodone 50 mg|mirtazapine 15 mg|lithium carbonate 300 mg|valproate|lamotrigine 100 mg|gabapentin 300 mg|clonazepam 0.5 mg|lorazepam 1 mg|zolpidem 10 mg|metformin 500 mg|Lipitor 20 mg|atorvastatin 40 mg|lisinopril 10 mg|amlodipine 5 mg|losartan 50 mg|metoprolol succinate 50 mg|omeprazole 20 mg|pantoprazole 40 mg|levothyroxine 50 mcg|Synthroid|hydrochlorothiazide 25 mg|furosemide 40 mg|Eliquis 5 mg|warfarin 5 mg|albuterol inhaler|prednisone 10 mg|amoxicillin 500 mg|ibuprofen 400 mg|acetaminophen 500 mg|Norco 5/325|cetirizine 10 mg", names, "|")
    k = length(names)
    split("haloperidal|resperidone|quetiapene|olanzepine|metoclopramid", typos, "|")
    split("oral|oral|oral|oral|im||", routes, "|")
    print "prescription_id,patient_id,age_years,sex,medication,route,status,days_on_therapy"
    for (p = 1; p <= n; p++) {
      meds = 1 + int(rand() * 8)
      age = 6 + int(rand() * 85)
      sex = rand() < 0.5 ? "female" : "male"
      for (m = 1; m <= meds; m++) {
        name = rand() < 0.01 ? typos[1 + int(rand() * 5)] : names[1 + int(rand() * k)]
        active = rand() < 0.6
        printf "RX%d,P%d,%d,%s,%s,%s,%s,%s\n", p, p, age, sex, name, routes[1 + int(rand() * 7)],
               active ? "active" : "proposed", active ? 1 + int(rand() * 900) : ""
      }
    }
  }' > "$input"
  echo "$count" > "$work/count"
fi
rows=$(( $(wc -l < "$input") - 1 ))
size=$(du -h "$input" | cut -f1)

"$server_bin" --listen 127.0.0.1:0 --db_path "$work/db" --knowledge_dir drug_db/knowledge \
  >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.02
done
[ -n "$port" ] || { echo "audit_load.sh: server did not start" >&2; exit 1; }

start=$(date +%s%N)
status=0
/usr/bin/time -f "%M" -o "$work/client.maxrss" "$audit_bin" --quiet --server "127.0.0.1:$port" \
  --out "$work/out" "${extra[@]}" "$input" 2>"$work/audit.log" || status=$?
end=$(date +%s%N)
seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')
server_peak=$(awk '/VmHWM/{print $2}' /proc/$server_pid/status)
tail -2 "$work/audit.log" | head -1
printf "%d prescriptions (%d rows, %s) in %s s: %.0f prescriptions/s; exit %d\n" \
  "$count" "$rows" "$size" "$seconds" "$(awk -v c="$count" -v s="$seconds" 'BEGIN { print c / s }')" "$status"
printf "peak RSS: client %.1f MB, server %.1f MB\n" \
  "$(awk '{ print $1 / 1024 }' "$work/client.maxrss")" "$(awk -v k="$server_peak" 'BEGIN { print k / 1024 }')"
ls -la "$work/out" | awk 'NR > 1 { print "  " $5 "\t" $9 }'
