# Who pays: CPU time per run split by role (workload, Sentry, Gofer, OCI runtime, shim, CRI
# daemon, pause, the collector, the kernel...), one stacked bar per target, from the tracer's
# `attribution.roles` of each measured run (median over runs per role).
#
# gnuplot -e "adir='analysis'; data='attribution-X.tsv'; out='attribution-X'; title='...'; roles='workload sentry ...'" analysis/attribution.gp
# data: a comment line "# target ROLE..." then one row per target: ms of CPU per run per role.
load adir."/palette.gp"
nr = words(roles)
stats data using 0 nooutput
w = 260 + 90 * STATS_records
w = w < 640 ? 640 : w
h = 460
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
set style fill solid 0.9 border lc rgb "#333333"
set yrange [0:*]
set xtics rotate by 30 right
set ylabel "CPU time per run (ms, median per role)"
set key outside right top vertical reverse Left
set title title font ",13"
do for [term in "svg png"] {
	eval(term eq "svg" ? svg : png)
	plot for [i = 2:nr + 1] data using i:xtic(1) title word(roles, i - 1) lc rgb rcolor(word(roles, i - 1))
	set output
}
