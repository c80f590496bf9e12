-- name: ReviewGetByID :one
-- One review as its own page shows it (GET /api/v1/reviews/{id}): the
-- review with its product and upload. Its insights and tags come from
-- InsightListForReviews and TagListForReviews.
SELECT r.id, r.product_id, r.upload_id, r.source_review_id, r.author, r.rating, r.title, r.body,
       r.review_date, r.review_date_raw, r.variant, r.language, r.verified_purchase, r.helpful_votes,
       r.has_video, r.has_images, r.image_urls, r.video_url, r.review_url,
       r.translation_status, r.title_translated, r.body_translated, s.sentiment, r.created_at,
       p.marketplace, p.asin, p.title AS product_title, p.target_language,
       u.source AS upload_source, u.filename AS upload_filename, u.created_at AS upload_created_at
FROM reviews r
JOIN products p ON p.id = r.product_id
LEFT JOIN uploads u ON u.id = r.upload_id
LEFT JOIN review_sentiments s ON s.review_id = r.id
WHERE r.id = @id;
