# Background jobs: &, $!, wait for each and for all, statuses, and jobs placed on other nodes.
(sleep 0.3; echo slow) & slow=$!
echo fast
wait $slow; echo "slow done $?"
onnode 2 sh -c 'exit 3' & a=$!
onnode 3 sh -c 'exit 4' & b=$!
wait $a; echo "a $?"; wait $b; echo "b $?"
for i in 1 2 3; do (echo "job $i" > job$i.txt) & done; wait; cat job1.txt job2.txt job3.txt
echo "$!" | grep -c '^[0-9][0-9]*$'
