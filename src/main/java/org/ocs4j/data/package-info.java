/** Datasets: {@link org.ocs4j.data.FashionMnist} (gzipped IDX files). */
package org.ocs4j.data;
