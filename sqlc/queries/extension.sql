-- name: ProductListByASIN :many
SELECT * FROM products WHERE asin = @asin ORDER BY marketplace;
