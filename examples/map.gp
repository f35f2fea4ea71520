# examples/map.gp — a map of the collection coloured by a label (map(1), PLOTTING):
#
#   gnuplot -e "points='points.tsv'; out='map.png'; dims=2" map.gp
#
# points: tab-separated key, x, y[, z], label (an integer: a cluster id); the
# file names come in as variables, never as text spliced into the script.
if (!exists("dims")) dims = 2
if (!exists("title")) title = ""
set terminal pngcairo size 900,700 font ",10"
set output out
set datafile separator "\t"
set key off
set title title
set palette maxcolors 10
set palette defined (0 '#1f77b4', 1 '#ff7f0e', 2 '#2ca02c', 3 '#d62728', 4 '#9467bd', \
    5 '#8c564b', 6 '#e377c2', 7 '#7f7f7f', 8 '#bcbd22', 9 '#17becf')
set cblabel "cluster"
set cbtics 1
if (dims == 3) {
	set ticslevel 0
	set view 60, 30
	splot points using 2:3:4:5 with points pt 7 ps 0.5 lc palette
} else {
	plot points using 2:3:4 with points pt 7 ps 0.5 lc palette
}
