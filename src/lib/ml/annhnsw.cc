// annhnsw.cc — the hnswlib side of knn -a (see annhnsw.h).
#include "ml/annhnsw.h"

#include <hnswlib/hnswlib.h>

#include <cstdio>
#include <exception>

namespace {

struct Hnsw {
	hnswlib::SpaceInterface<float> *space;
	hnswlib::HierarchicalNSW<float> *graph;
	size_t d;
};

void
set_error(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		std::snprintf(err, errlen, "%s", what);
}

} // namespace

extern "C" void *
annhnsw_new(size_t n, size_t d, int ip, size_t m, size_t efc, uint64_t seed, char *err,
    size_t errlen)
{
	Hnsw *h = nullptr;

	try {
		h = new Hnsw{ nullptr, nullptr, d };
		if (ip)
			h->space = new hnswlib::InnerProductSpace(d);
		else
			h->space = new hnswlib::L2Space(d);
		h->graph = new hnswlib::HierarchicalNSW<float>(h->space, n, m, efc, (size_t)seed);
		return h;
	} catch (const std::exception &e) {
		set_error(err, errlen, e.what());
	}
	annhnsw_free(h);
	return nullptr;
}

extern "C" int
annhnsw_add(void *ix, const float *x, size_t first, size_t last, char *err, size_t errlen)
{
	Hnsw *h = static_cast<Hnsw *>(ix);

	try {
		for (size_t i = first; i < last; i++)
			h->graph->addPoint(x + i * h->d, (hnswlib::labeltype)i);
		return 0;
	} catch (const std::exception &e) {
		set_error(err, errlen, e.what());
	}
	return -1;
}

extern "C" void
annhnsw_set_ef(void *ix, size_t ef)
{
	static_cast<Hnsw *>(ix)->graph->setEf(ef);
}

extern "C" int
annhnsw_search(const void *ix, const float *q, size_t k, int64_t *labels, char *err,
    size_t errlen)
{
	const Hnsw *h = static_cast<const Hnsw *>(ix);

	try {
		auto r = h->graph->searchKnn(q, k); // farthest on top
		size_t n = r.size();
		for (size_t j = n; j < k; j++)
			labels[j] = -1;
		while (!r.empty()) {
			labels[--n] = (int64_t)r.top().second;
			r.pop();
		}
		return 0;
	} catch (const std::exception &e) {
		set_error(err, errlen, e.what());
	}
	return -1;
}

extern "C" void
annhnsw_free(void *ix)
{
	Hnsw *h = static_cast<Hnsw *>(ix);

	if (!h)
		return;
	delete h->graph;
	delete h->space;
	delete h;
}
