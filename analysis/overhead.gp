# Overhead vs native at a glance: for each benchmark's headline figures (groups), one bar per
# non-native target: how many times costlier than native (1 = native speed, 2 = twice the cost,
# whatever the figure and whether higher or lower is better; summary.tsv's `overhead`). Bars
# start at 1, so a target faster than native points down. Logarithmic y: gVisor's system calls
# cost tens to hundreds of times native while CPU work costs about 1×.
#
# gnuplot -e "adir='analysis'; data='overhead.tsv'; out='overhead'; targets='oci/runc ...'" analysis/overhead.gp
# data: a comment line "# figure TARGET... TARGET:low TARGET:high..." then one row per "benchmark
# figure": the overhead per target, then its 95% interval per target (low, high): the whiskers.
load adir."/palette.gp"
nt = words(targets)
stats data using 0 nooutput
nrow = STATS_records
w = nrow * (nt * 14 + 20) + 380
w = w < 800 ? 800 : (w > 1260 ? 1260 : w)
h = 560
bw = 0.8 / nt
xpos(row, i) = row + (i - (nt + 1) / 2.0) * bw
set logscale y
set ytics (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
set xrange [-0.6:nrow - 0.4]
set xtics rotate by 30 right
set ylabel "overhead vs native (×, log scale)"
set xlabel "benchmark and figure (headline figures)"
set key outside right top vertical Left reverse samplen 2
set lmargin 14
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 lc rgb "#222222" front
set title "Overhead vs native per benchmark (1 = native; bars above cost more)" font ",13"
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	plot data using 0:(1):xtic(1) with points ps 0 notitle, \
		for [i = 1:nt] data using (xpos($0, i)):(column(i + 1)):(xpos($0, i) - bw / 2):(xpos($0, i) + bw / 2):(1):(column(i + 1)) \
			with boxxyerror fs solid 0.85 border lc rgb "#333333" lc rgb tcolor(word(targets, i)) title word(targets, i), \
		for [i = 1:nt] data using (xpos($0, i)):(column(i + 1)):(column(nt + 2 * i)):(column(nt + 2 * i + 1)) \
			with yerrorbars pt -1 lw 1 lc rgb "#222222" notitle
	set output
}
