# confusion.gp — a heat map of classify's confusion matrix (a TSV stream).
#   gnuplot -c confusion.gp cm.vec cm.png
# File names come in as ARG1/ARG2 (never spliced into commands).
set terminal pngcairo size 720,640
set output ARG2
set datafile commentschars ""
set datafile separator "\t"
set yrange [] reverse
set xtics rotate by -45
set xlabel "predicted"
set ylabel "true"
unset key
plot ARG1 skip 1 matrix rowheaders columnheaders with image, \
     ARG1 skip 1 matrix rowheaders columnheaders using 1:2:(sprintf("%g", $3)) with labels
