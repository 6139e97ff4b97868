/**
 * Labelled data: {@link org.ocs4j.data.FashionMnist} (gzipped IDX files), image folders
 * ({@link org.ocs4j.data.ImageNetValidation}, {@link org.ocs4j.data.Cifar10}, recognized by
 * {@link org.ocs4j.data.ImageFolders}) read through DataVec as {@link org.ocs4j.data.LabelledImages}, and the
 * per-model input preparation ({@link org.ocs4j.data.ImagePreprocessing}, {@link org.ocs4j.data.Normalization}).
 */
package org.ocs4j.data;
