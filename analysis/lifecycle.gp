# Lifecycle-call latency: one panel per call (RunPodSandbox, CreateContainer, StartContainer...),
# the empirical CDF of its wall time over every run, one line per target (log x).
#
# gnuplot -e "adir='analysis'; data='lifecycle.tsv'; out='lifecycle'; phases='P1 P2';
#             pfirst='0 3'; pcount='3 2'; btargets='t1 t2 t3 t1 t2'" analysis/lifecycle.gp
# data: one block per phase × target (phase-major; panel p uses blocks pfirst..pfirst+pcount-1,
# block b is target word(btargets, b+1)): ms, cumulative fraction (sorted).
load adir."/palette.gp"
n = words(phases)
w = 400 * pcols(n)
h = 300 * prows(n) + 30
set logscale x
set yrange [0:1.02]
set xlabel "call latency (ms, log scale)"
set ylabel "fraction of calls ≤ x"
set key bottom right font ",9" samplen 2
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	set multiplot layout prows(n), pcols(n) title "Lifecycle calls: latency CDF per target" font ",13"
	do for [p = 1:n] {
		f = int(word(pfirst, p))
		c = int(word(pcount, p))
		set title word(phases, p)
		plot for [b = f:f + c - 1] data index b using 1:2 with steps lw 2 lc rgb tcolor(word(btargets, b + 1)) title word(btargets, b + 1)
	}
	unset multiplot
	set output
}
