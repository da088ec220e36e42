# Memory latency curve: ns per dependent load vs working-set size (both log scales), one line per
# target with p5–p95 error bars. The steps show the caches; a runtime that costs nothing for
# plain memory access draws on top of native.
#
# gnuplot -e "adir='analysis'; data='memlat.tsv'; out='memlat'; targets='native ...'" analysis/memlat.gp
# data: one block per target of `targets`: working-set bytes, median, p5, p95 (ns per load).
load adir."/palette.gp"
nt = words(targets)
w = 760
h = 480
set logscale x 2
set logscale y
set format x "%.0b %BB"
set xlabel "working-set size (bytes, log scale)"
set ylabel "latency per load (ns, log scale)"
set key top left
set offsets graph 0.04, graph 0.04, 0, 0
set grid xtics ytics lc rgb "#dddddd" lt 1
set title "Memory latency vs working-set size (median, p5–p95)" font ",13"
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	plot for [i = 1:nt] data index (i - 1) using 1:2 with linespoints lw 2 pt 7 ps 1 lc rgb tcolor(word(targets, i)) title word(targets, i), \
		for [i = 1:nt] data index (i - 1) using 1:2:3:4 with yerrorbars pt 0 lc rgb tcolor(word(targets, i)) notitle
	set output
}
