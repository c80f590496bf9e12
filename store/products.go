package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Category is a product category from the extension.
type Category struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Product is one product of one marketplace.
type Product struct {
	ID             int64      `json:"id"`
	Marketplace    string     `json:"marketplace"`
	ASIN           string     `json:"asin"`
	Title          string     `json:"title"`
	ImageURL       string     `json:"image_url,omitempty"`
	AverageRating  *float64   `json:"average_rating,omitempty"`
	Price          string     `json:"price,omitempty"`
	BulletPoints   []string   `json:"bullet_points"`
	Categories     []Category `json:"categories"`
	TargetLanguage string     `json:"target_language"`
	ModelVersion   int        `json:"model_version"`
	ReviewCount    int64      `json:"review_count"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// ProductInput is what an upload or extension push knows of a product.
// Empty fields keep what the product already has.
type ProductInput struct {
	Marketplace   string
	ASIN          string
	Title         string
	ImageURL      string
	AverageRating *float64
	Price         string
	BulletPoints  []string
	Categories    []Category
	// TargetLanguage, when set, becomes the product's target language,
	// new or existing: someone chose it.
	TargetLanguage string
	// DefaultTargetLanguage is a new product's target language when
	// TargetLanguage is empty (the language the person works in); an
	// existing product keeps its own. Empty: DefaultLanguage.
	DefaultTargetLanguage string
}

// DefaultLanguage is a new product's target language when nobody said
// which: English, never silently another.
const DefaultLanguage = "en"

func productFromRow(r dbsqlc.Product) Product {
	p := Product{
		ID: r.ID, Marketplace: r.Marketplace, ASIN: r.Asin, Title: r.Title, ImageURL: r.ImageUrl,
		AverageRating: r.AverageRating, Price: r.Price, TargetLanguage: r.TargetLanguage,
		ModelVersion: int(r.ModelVersion), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		BulletPoints: []string{}, Categories: []Category{},
	}
	_ = json.Unmarshal(r.BulletPoints, &p.BulletPoints) // written by us as JSON arrays
	_ = json.Unmarshal(r.Categories, &p.Categories)
	return p
}

// ProductUpsert creates the product for (marketplace, asin) or fills in
// metadata of the existing one, and returns it.
func ProductUpsert(ctx context.Context, db DBTX, in ProductInput) (Product, error) {
	bullets, _ := json.Marshal(nonNil(in.BulletPoints))
	cats, _ := json.Marshal(nonNil(in.Categories))
	lang := cmp.Or(in.TargetLanguage, in.DefaultTargetLanguage, DefaultLanguage)
	r, err := q(db).ProductUpsert(ctx, dbsqlc.ProductUpsertParams{
		Marketplace: in.Marketplace, Asin: in.ASIN, Title: in.Title, ImageUrl: in.ImageURL,
		AverageRating: in.AverageRating, Price: in.Price, BulletPoints: bullets, Categories: cats,
		TargetLanguage: lang, SetTargetLanguage: in.TargetLanguage != "",
	})
	if err != nil {
		return Product{}, fmt.Errorf("upsert product %s/%s: %w", in.Marketplace, in.ASIN, mapErr(err))
	}
	return productFromRow(r), nil
}

// ProductGet returns a product by id, or ErrNotFound.
func ProductGet(ctx context.Context, db DBTX, id int64) (Product, error) {
	r, err := q(db).ProductGetByID(ctx, id)
	if err != nil {
		return Product{}, mapErr(err)
	}
	return productFromRow(r), nil
}

// ProductGetByKey returns the product of a marketplace and ASIN, or
// ErrNotFound.
func ProductGetByKey(ctx context.Context, db DBTX, marketplace, asin string) (Product, error) {
	r, err := q(db).ProductGetByKey(ctx, dbsqlc.ProductGetByKeyParams{Marketplace: marketplace, Asin: asin})
	if err != nil {
		return Product{}, mapErr(err)
	}
	return productFromRow(r), nil
}

// ProductList returns products, newest first, with their review counts.
func ProductList(ctx context.Context, db DBTX, limit, offset int) ([]Product, error) {
	rows, err := q(db).ProductList(ctx, dbsqlc.ProductListParams{Lim: int32(limit), Off: int32(offset)})
	if err != nil {
		return nil, fmt.Errorf("list products: %w", err)
	}
	out := make([]Product, len(rows))
	for i, r := range rows {
		out[i] = productFromRow(dbsqlc.Product{
			ID: r.ID, Marketplace: r.Marketplace, Asin: r.Asin, Title: r.Title, ImageUrl: r.ImageUrl,
			AverageRating: r.AverageRating, Price: r.Price, BulletPoints: r.BulletPoints, Categories: r.Categories,
			TargetLanguage: r.TargetLanguage, ModelVersion: r.ModelVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		})
		out[i].ReviewCount = r.ReviewCount
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ProductsByASIN returns the products of an ASIN in every marketplace,
// ordered by marketplace.
func ProductsByASIN(ctx context.Context, db DBTX, asin string) ([]Product, error) {
	rows, err := q(db).ProductListByASIN(ctx, asin)
	if err != nil {
		return nil, fmt.Errorf("products of asin %s: %w", asin, err)
	}
	out := make([]Product, len(rows))
	for i, r := range rows {
		out[i] = productFromRow(r)
	}
	return out, nil
}

// ProductNotEmptyError is ProductDeleteEmpty's answer for a product that
// still holds reviews, or has an upload that may still store some.
type ProductNotEmptyError struct {
	Reviews         int64
	UploadsInFlight int64
}

func (e *ProductNotEmptyError) Error() string {
	return fmt.Sprintf("product has %d reviews and %d uploads still ingesting", e.Reviews, e.UploadsInFlight)
}

// ProductDeleteEmpty deletes a product that has no reviews, with what
// cascades from it (its uploads and their rejections, any model, analysis
// or report), and returns it as it was. Under the product's ingestion lock,
// so no upload stores reviews in between. It returns ErrNotFound, a
// *ProductNotEmptyError, or the database's error.
func ProductDeleteEmpty(ctx context.Context, db DB, id int64) (Product, error) {
	var p Product
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		if p, err = ProductGet(ctx, tx, id); err != nil {
			return err
		}
		if err := ProductLockForIngest(ctx, tx, id); err != nil {
			return err
		}
		c, err := q(tx).ProductContents(ctx, id)
		if err != nil {
			return fmt.Errorf("contents of product %d: %w", id, err)
		}
		if c.Reviews > 0 || c.UploadsInFlight > 0 {
			return &ProductNotEmptyError{Reviews: c.Reviews, UploadsInFlight: c.UploadsInFlight}
		}
		if _, err := q(tx).ProductDelete(ctx, id); err != nil {
			return fmt.Errorf("delete product %d: %w", id, err)
		}
		return nil
	})
	return p, err
}
