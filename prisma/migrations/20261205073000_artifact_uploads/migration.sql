-- Artifact uploads (issue 18 item 6): every PUT /artifacts/<sha256> is made under a job the
-- uploader holds (job id + fencing token) and recorded here against the job's project, so that
--   * a project's quota counts the bytes it has uploaded (a blob shared by two projects counts
--     in both: each could be the one keeping it);
--   * blobs no checkpoint references are collected once every upload of them is older than the
--     grace period (ARTIFACT_GC_GRACE_SECONDS), which leaves an agent time to register what it
--     has just uploaded.
-- No foreign keys: the rows must outlive a deleted run or project, so its blobs get collected.

-- CreateTable
CREATE TABLE "artifact_uploads" (
    "sha256" TEXT NOT NULL,
    "project_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "bytes" BIGINT NOT NULL,
    "uploaded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifact_uploads_pkey" PRIMARY KEY ("sha256","project_id")
);

-- CreateIndex
CREATE INDEX "artifact_uploads_uploaded_at_idx" ON "artifact_uploads"("uploaded_at");
