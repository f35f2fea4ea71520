# examples/elbow.gp — the elbow plot: gnuplot -c elbow.gp ELBOW.TSV OUT.PNG
# (the file names arrive as ARG1 and ARG2, strings, never as gnuplot code)
set terminal pngcairo size 800,500
set output ARG2
set xlabel 'k'
set ylabel 'inertia'
plot ARG1 using 1:2 with linespoints title 'k-means inertia'
