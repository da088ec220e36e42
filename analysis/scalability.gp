# Scalability: each figure of a scalability.* family (total time, per-pod start latency, per-pod
# memory...) against N, the number of pods, one line per target with p5–p95 error bars.
#
# gnuplot -e "adir='analysis'; data='scalability-F.tsv'; out='scalability-F'; title='...';
#             figs='f1 f2'; units='u1 u2'; pfirst='0 3'; pcount='3 3'; btargets='...'" analysis/scalability.gp
# data: one block per figure × target (figure-major, as lifecycle.gp): N, median, p5, p95.
load adir."/palette.gp"
n = words(figs)
w = 430 * pcols(n)
h = 330 * prows(n) + 30
set xlabel "pods (N)"
set offsets graph 0.05, graph 0.05, graph 0.05, 0
set yrange [0:*]
set key top left font ",9" samplen 2
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	set multiplot layout prows(n), pcols(n) title title font ",13"
	do for [p = 1:n] {
		f = int(word(pfirst, p))
		c = int(word(pcount, p))
		set title word(figs, p)
		set ylabel "median, p5–p95 (" . word(units, p) . ")"
		plot for [b = f:f + c - 1] data index b using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc rgb tcolor(word(btargets, b + 1)) title word(btargets, b + 1), \
			for [b = f:f + c - 1] data index b using 1:2:3:4 with yerrorbars pt 0 lc rgb tcolor(word(btargets, b + 1)) notitle
	}
	unset multiplot
	set output
}
