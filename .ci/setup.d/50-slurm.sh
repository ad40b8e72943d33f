# A single-node Slurm cluster on this machine (Debian's slurm-wlm, with munge for
# authentication), for the study tests that submit a job array with sbatch. Root only;
# safe to run again: it starts only what is not already running and answering.
command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 \
  || apt_install slurm-wlm munge

slurm_node=$(hostname -s)

# munge: a key readable by the munge user only, then the daemon, unless it already answers.
if ! (munge -n | unmunge) >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do (munge -n | unmunge) >/dev/null 2>&1 && break; sleep 0.2; done
  (munge -n | unmunge) >/dev/null 2>&1 || { echo "50-slurm: munged did not start" >&2; return 1; }
fi

# slurm.conf: one node (this machine, with the CPUs and memory slurmd detects), one partition.
slurm_hw=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]* //' -e 's/ *UpTime=.*//')
install -d -m 0755 /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
slurm_conf=$(cat <<CONF
# Written by .ci/setup.d/50-slurm.sh: a single-node cluster for the tests.
ClusterName=timescales
SlurmctldHost=${slurm_node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=${slurm_node} NodeAddr=127.0.0.1 ${slurm_hw} State=UNKNOWN
PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$slurm_conf" ]; then
  printf '%s\n' "$slurm_conf" > /etc/slurm/slurm.conf
  # A changed config: restart whatever runs with the old one.
  for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null && sleep 1
  done
fi

slurm_up() { case "$(scontrol ping 2>/dev/null)" in *"is UP"*) return 0 ;; *) return 1 ;; esac; }
slurm_up || slurmctld
for _ in $(seq 50); do slurm_up && break; sleep 0.2; done
{ [ -s /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; } || slurmd

# Wait for the node to be idle (or busy with jobs); bring it back if a previous run left it down.
slurm_ready=
for _ in $(seq 60); do
  slurm_state=$(sinfo -h -N -n "$slurm_node" -o '%T' 2>/dev/null | head -n 1)
  case "$slurm_state" in
    idle|mixed|allocated) slurm_ready=1; break ;;
    down*|drain*|fail*) scontrol update NodeName="$slurm_node" State=RESUME 2>/dev/null || true ;;
  esac
  sleep 0.5
done
[ -n "$slurm_ready" ] || { echo "50-slurm: node ${slurm_node} not idle (state: ${slurm_state:-none}); see /var/log/slurm/" >&2; return 1; }
echo "50-slurm: node ${slurm_node} ${slurm_state}"
