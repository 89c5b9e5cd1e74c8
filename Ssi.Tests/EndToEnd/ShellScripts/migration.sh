# The shell moves between nodes in the middle of its work and keeps variables, functions, open files and loops.
count=0
note() { count=$((count+1)); echo "note $count: $*" >&3; }
exec 3>notes.txt
for n in 2 3 1 2; do
  migrate $n
  note "step to $n"
  total=$(( ${total:-0} + n ))
done
exec 3>&-
cat notes.txt
echo "total $total count $count"
while read -r line; do migrate 3; echo "again: $line"; done < notes.txt
