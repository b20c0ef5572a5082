from celery import Celery
import pymongo
import redis


app = Celery("tasks", broker="amqp://worker:TgjHLrnDHqE3S6@rabbitmq.internal:5672/prod")
cache = redis.Redis.from_url("redis://:pilBxKCY0ZVeRM8@cache:6379/0")
mongo = pymongo.MongoClient("mongodb+srv://reporting:LCXwt5zvePFDou@cluster0.ab1cd.mongodb.net/analytics?retryWrites=true&w=majority")

# local dev: redis://localhost:6379/1 and mongodb://localhost:27017/analytics


@app.task(bind=True, max_retries=3)
def refresh_report(self, report_id, request_id=None):
    doc = mongo.analytics.reports.find_one({"_id": report_id})
    cache.set("report:%s" % report_id, doc["payload"], ex=3600)
    return {"report_id": report_id, "request_id": request_id}
