# Regenerates the scikit-learn k-means fixtures (Debian python3-sklearn 1.2.1, joblib 1.2.0, numpy 1.24):
#   /usr/bin/python3 make_kmeans_fixtures.py ../../../../../shared/reference/hubert/kmeans_centroids.npy
# Each model is fitted on the reference centroids themselves with those centroids as the initial centres, so
# cluster_centers_ equals them (as float64) and the readers can be checked against the .npy file.
import pickle, sys
import joblib, numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans

centroids = np.load(sys.argv[1]).astype(np.float64)
k = centroids.shape[0]
km = KMeans(n_clusters=k, init=centroids, n_init=1, max_iter=1).fit(centroids)
assert np.array_equal(km.cluster_centers_, centroids)
joblib.dump(km, "kmeans_joblib.bin")
with open("kmeans_pickle4.pkl", "wb") as f:
    pickle.dump(km, f, protocol=4)
mb = MiniBatchKMeans(n_clusters=k, init=centroids, n_init=1, max_iter=1, batch_size=k, random_state=0).fit(centroids)
np.save("minibatch_centers.npy", mb.cluster_centers_.astype(np.float64))
joblib.dump(mb, "minibatch_joblib_zlib.bin", compress=3)
