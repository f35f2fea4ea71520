// annfaiss.cc — the faiss side of knn -a (see annfaiss.h): C++ over faiss's C++ API.
#include "ml/annfaiss.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <omp.h>

#include <cstdio>
#include <exception>
#include <new>

namespace {

struct Ivf {
	faiss::IndexFlat *quant;
	faiss::IndexIVFFlat *index;
};

void
set_error(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		std::snprintf(err, errlen, "%s", what);
}

} // namespace

extern "C" void *
annfaiss_new_ivf(const float *x, size_t n, size_t d, int ip, size_t nlist, size_t per_list,
    uint64_t seed, int nthreads, char *err, size_t errlen)
{
	Ivf *v = nullptr;

	try {
		omp_set_num_threads(nthreads > 0 ? nthreads : 1);
		v = new Ivf{ nullptr, nullptr };
		faiss::MetricType m = ip ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2;
		v->quant = ip ? static_cast<faiss::IndexFlat *>(new faiss::IndexFlatIP((faiss::Index::idx_t)d))
		              : static_cast<faiss::IndexFlat *>(new faiss::IndexFlatL2((faiss::Index::idx_t)d));
		v->index = new faiss::IndexIVFFlat(v->quant, d, nlist, m);
		v->index->cp.seed = (int)(seed & 0x7fffffff);
		v->index->cp.max_points_per_centroid = (int)per_list;
		v->index->cp.niter = 10; /* faiss's 25 triple the build for ~1% of recall */
		v->index->verbose = false;
		v->index->train((faiss::Index::idx_t)n, x);
		v->index->add((faiss::Index::idx_t)n, x);
		return v;
	} catch (const std::exception &e) {
		set_error(err, errlen, e.what());
	}
	annfaiss_free(v);
	return nullptr;
}

extern "C" int
annfaiss_search(void *ix, const float *q, size_t nq, size_t k, size_t nprobe, int64_t *labels,
    float *dist, char *err, size_t errlen)
{
	Ivf *v = static_cast<Ivf *>(ix);

	try {
		faiss::SearchParametersIVF p;
		p.nprobe = nprobe;
		v->index->search((faiss::Index::idx_t)nq, q, (faiss::Index::idx_t)k, dist,
		    reinterpret_cast<faiss::Index::idx_t *>(labels), &p);
		return 0;
	} catch (const std::exception &e) {
		set_error(err, errlen, e.what());
	}
	return -1;
}

extern "C" void
annfaiss_free(void *ix)
{
	Ivf *v = static_cast<Ivf *>(ix);

	if (!v)
		return;
	delete v->index;
	delete v->quant;
	delete v;
}
