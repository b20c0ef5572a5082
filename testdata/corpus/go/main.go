package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	_ "github.com/lib/pq"
)

type DBConfig struct {
	Host     string
	User     string
	Password string
	Name     string
}

var defaultDB = DBConfig{
	Host:     "db.internal",
	User:     "inventory",
	Password: "J5.2.GC6aKkq7Z_RSaIX3R1D9kM^~UF",
	Name:     "inventory",
}

const githubToken = "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"

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = "postgres://" + defaultDB.User + ":" + defaultDB.Password + "@" + defaultDB.Host + "/" + defaultDB.Name
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	token := os.Getenv("GITHUB_TOKEN")
	if token == "" {
		token = githubToken
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	log.Fatal(http.ListenAndServe(":8080", nil))
}
