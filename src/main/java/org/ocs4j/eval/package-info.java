/**
 * Results and their records: {@link org.ocs4j.eval.WidenReportJson} writes reports, {@link org.ocs4j.eval.Provenance}
 * says where each came from.
 */
package org.ocs4j.eval;
