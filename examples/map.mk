# examples/map.mk — the map of the collection, coloured by k-means cluster, in 2-D
# and 3-D, after the experiment of the Makefile here (out/reduced.vec, out/music.db):
#
#   make -C examples                    # the experiment: vectors, PCA, clusters
#   make -C examples -f map.mk          # out/map.png, out/map3d.png
#   make -C examples -f map.mk MAP_METHOD=tsne
#
# The maps go into the database too (dbload projections), for the explorer.
# Song ids travel in files only (join on the key): no data in recipe lines.
TOP = ..
BIN = $(TOP)/bin
OUT = out
DB = $(OUT)/music.db
MAP_METHOD = umap
SEED = 1
TAB != printf '\t'

map: $(OUT)/map.png $(OUT)/map3d.png
	@echo "maps: $(OUT)/map.png $(OUT)/map3d.png"

$(OUT)/map.tsv: $(OUT)/reduced.vec
	$(BIN)/map -q -M $(MAP_METHOD) -s $(SEED) $(OUT)/reduced.vec > $@.tmp
	$(BIN)/dbload -d $(DB) projections $@.tmp
	mv $@.tmp $@

$(OUT)/map3d.tsv: $(OUT)/reduced.vec
	$(BIN)/map -q -M $(MAP_METHOD) -k 3 -s $(SEED) $(OUT)/reduced.vec > $@.tmp
	$(BIN)/dbload -d $(DB) projections $@.tmp
	mv $@.tmp $@

$(OUT)/labels.tsv: $(DB)
	sqlite3 -tabs $(DB) "SELECT song_id, kmeans_cluster_id FROM song_clusters \
	  WHERE algorithm = 'kmeans'" | LC_ALL=C sort > $@.tmp
	mv $@.tmp $@

$(OUT)/points.tsv $(OUT)/points3d.tsv: $(OUT)/map.tsv $(OUT)/map3d.tsv $(OUT)/labels.tsv
	grep -v '^#' $(OUT)/map.tsv | LC_ALL=C sort | \
	  LC_ALL=C join -t '$(TAB)' - $(OUT)/labels.tsv > $(OUT)/points.tsv
	grep -v '^#' $(OUT)/map3d.tsv | LC_ALL=C sort | \
	  LC_ALL=C join -t '$(TAB)' - $(OUT)/labels.tsv > $(OUT)/points3d.tsv

$(OUT)/map.png: $(OUT)/points.tsv map.gp
	gnuplot -e "points='$(OUT)/points.tsv'; out='$@.tmp'; dims=2; title='$(MAP_METHOD)'" map.gp
	mv $@.tmp $@

$(OUT)/map3d.png: $(OUT)/points3d.tsv map.gp
	gnuplot -e "points='$(OUT)/points3d.tsv'; out='$@.tmp'; dims=3; title='$(MAP_METHOD) 3-D'" map.gp
	mv $@.tmp $@

clean-map:
	rm -f $(OUT)/map.tsv $(OUT)/map3d.tsv $(OUT)/labels.tsv $(OUT)/points.tsv \
	  $(OUT)/points3d.tsv $(OUT)/map.png $(OUT)/map3d.png

.PHONY: map clean-map
