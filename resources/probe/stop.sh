# Gonka Host Wizard: stops the temporary listeners of listen.sh. Usage: sh -s -- TOKEN
TOKEN=$1
case $TOKEN in *[!A-Za-z0-9_-]*|'') exit 2 ;; esac
FLAG=/tmp/ghw-listen-$TOKEN
rm -f "$FLAG"
if [ -f "$FLAG.pids" ]; then
  # The listeners also stop on their own once the flag is gone; no need to wait for that.
  while read -r pid; do kill "$pid" 2>/dev/null; done <"$FLAG.pids"
  rm -f "$FLAG.pids"
fi
echo '{"stopped":true}'
