# Arithmetic expansion: C's operators, variables, assignment and bases.
x=7; y=3
echo $((x + y)) $((x - y)) $((x * y)) $((x / y)) $((x % y)) $((-x / y))
echo $((x << 2)) $((x >> 1)) $((x & y)) $((x | y)) $((x ^ y)) $((~x))
echo $((x > y)) $((x < y)) $((x == 7)) $((x != 7)) $((x >= 7)) $((y <= 2))
echo $((x && 0)) $((x || 0)) $((!x)) $((x ? 10 : 20)) $((0 ? 10 : 20))
echo $(( (x + y) * 2 )) $((2 + 3 * 4)) $((0x1f)) $((010)) $((1 << 62))
z=5; echo $((z += 2)) $z $((z *= 3)) $z $((z -= 1)) $z
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo $i
s=' 12 '; echo $((s + 1))
echo $(( $x + $y ))
