# Pathname expansion against the file system: *, ?, [...], no match, dot files, directories.
mkdir -p g/sub g/other && cd g
: > a.txt; : > b.txt; : > c.log; : > .hidden; : > sub/x.txt; : > 'with space.txt'
echo *.txt
echo ?.txt
echo [ab].* [!a].txt
echo */x.txt
echo */
echo nomatch*
echo .h*
echo "*.txt" '*'
set -f; echo *.txt; set +f
for f in *.txt; do echo "file: $f"; done
case b.txt in [a-c].t?t) echo class-match;; esac
