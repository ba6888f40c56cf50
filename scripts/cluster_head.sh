#!/usr/bin/env bash
# On the cluster head: PostgreSQL for MLflow's backend store and the Optuna study, and an MLflow
# tracking server on the head's private address only (not every interface), artifacts served from the head.
# The databases' password comes from EARLYROBUST_DB_PASSWORD (never a built-in one): export it in the
# head's environment (e.g. from AWS Secrets Manager in head_setup_commands) before `ray up`.
set -euo pipefail
PASSWORD=${EARLYROBUST_DB_PASSWORD:-}
if [ -z "$PASSWORD" ] || [ "$PASSWORD" = "CHANGE_ME" ]; then
  echo "cluster_head.sh: error: EARLYROBUST_DB_PASSWORD is not set: export a password for the MLflow and Optuna databases first" >&2
  exit 2
fi
PRIVATE_IP=$(hostname -I | awk '{print $1}')
sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
PGCONF=$(ls -d /etc/postgresql/*/main | head -1)
sudo sed -i "s/^#\?listen_addresses.*/listen_addresses = 'localhost,${PRIVATE_IP}'/" "$PGCONF/postgresql.conf"
SUBNET=$(ip -o -f inet addr show | awk -v ip="$PRIVATE_IP" '$4 ~ ip {print $4}')
grep -q "earlyrobust" "$PGCONF/pg_hba.conf" || echo "host all all ${SUBNET} scram-sha-256 # earlyrobust" | sudo tee -a "$PGCONF/pg_hba.conf"
sudo systemctl restart postgresql
for db in mlflow optuna; do
  sudo -u postgres psql -tc "SELECT 1 FROM pg_roles WHERE rolname='$db'" | grep -q 1 || sudo -u postgres psql -c "CREATE ROLE $db LOGIN PASSWORD '$PASSWORD'"
  sudo -u postgres psql -tc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 || sudo -u postgres createdb -O "$db" "$db"
done
mkdir -p ~/mlartifacts
pkill -f "mlflow server" || true
MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false nohup ~/venv/bin/mlflow server \
  --backend-store-uri "postgresql://mlflow:${PASSWORD}@localhost/mlflow" \
  --artifacts-destination ~/mlartifacts --serve-artifacts \
  --host "$PRIVATE_IP" --port 5000 > ~/mlflow-server.log 2>&1 &
echo "MLflow at http://${PRIVATE_IP}:5000, Optuna storage postgresql://optuna:***@${PRIVATE_IP}/optuna"
